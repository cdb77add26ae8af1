/**
 * The TextMate grammar, checked by vscode-tmgrammar-test (vscode-textmate + oniguruma, the engine
 * VS Code itself uses) against the scope assertions in tests/vscode/grammar/*.test.sdprompt.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const grammar = join(repoRoot, 'editors/vscode/syntaxes/sdprompt.tmLanguage.json');
const cli = join(repoRoot, 'node_modules/vscode-tmgrammar-test/dist/unit.js');

async function tmgrammarTest(files: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, '-g', grammar, files], { cwd: repoRoot });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('TextMate grammar', () => {
  it('passes every scope assertion', async () => {
    const result = await tmgrammarTest('tests/vscode/grammar/*.test.sdprompt');
    expect(result.output).toContain('prompt.test.sdprompt run successfuly');
    expect(result.output).toContain('file.test.sdprompt run successfuly');
    expect(result.output).toContain('infotext.test.sdprompt run successfuly');
    expect(result.code).toBe(0);
  });

  it('fails a wrong assertion (the check is real)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdprompt-tm-'));
    const file = join(dir, 'wrong.test.sdprompt');
    writeFileSync(file, '# SYNTAX TEST "source.sdprompt"\na BREAK b\n#  ^^^^^ comment.line.number-sign.sdprompt\n');
    const result = await tmgrammarTest(file);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('missing required scopes');
  });
});
