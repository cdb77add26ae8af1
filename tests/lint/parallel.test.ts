/**
 * `sdprompt lint` on many files shares them between this thread and worker threads
 * (src/cli/commands/lint.ts lintInParallel, src/lint/lint-worker.ts). Workers exist only in the built
 * CLI, so the CLI is bundled here the way scripts/bundle.mjs does it, and its output on 900 files is
 * compared with the in-process (single-thread) run of the same command.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../support/cli.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let bundleDir = '';
const projects: string[] = [];

beforeAll(async () => {
  // Inside the repository, so that node_modules resolves as it does for dist/bundle.
  bundleDir = mkdtempSync(path.join(repoRoot, 'tests/lint/.bundle-'));
  await build({
    absWorkingDir: repoRoot,
    entryPoints: { main: 'src/cli/main.ts', 'lint-worker': 'src/lint/lint-worker.ts' },
    outdir: bundleDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    banner: { js: "import { createRequire as __sdpromptCreateRequire } from 'node:module'; const require = __sdpromptCreateRequire(import.meta.url);" },
  });
  writeFileSync(path.join(bundleDir, 'run.mjs'), "import { main } from './main.js';\nprocess.exitCode = await main(process.argv);\n");
}, 60_000);

afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
  for (const project of projects) rmSync(project, { recursive: true, force: true });
});

function bundled(argv: string[], cwd: string): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [path.join(bundleDir, 'run.mjs'), ...argv], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, maxBuffer: 1 << 28 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** 900 files, some clean and some with problems of several rules, in nested folders. */
function manyFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const kinds = [
    'a house, garden, a house\n',
    '@prompt\n(a house:1.9), [sky\n@negative\nbad quality, <lora:x:0.5>\n',
    'a house for one family, <JL_sectionplan:06>\n',
    '@prompt\na tree, a sky\n',
    'a [cat:dog:0.5] in a garden, , sunlight, break, more\n',
  ];
  for (let i = 0; i < 900; i++) files[`group${i % 7}/p${String(i).padStart(4, '0')}.sdprompt`] = kinds[i % kinds.length]!.replace('house', `house${i % 13}`);
  return files;
}

describe('lint in parallel (bundled CLI, worker threads)', () => {
  it('reports exactly what a single-thread run reports, in the same order', async () => {
    const project = makeProject(manyFiles(), 'sdprompt-parallel-');
    projects.push(project);
    const single = await runCli(['lint', '--format', 'json', '.'], project);
    const parallel = bundled(['lint', '--format', 'json', '.'], project);
    expect(parallel.err).not.toMatch(/internal error|Error:/);
    expect(parallel.code).toBe(single.code);
    const expected = JSON.parse(single.out) as Array<{ filePath: string; messages: unknown[] }>;
    const actual = JSON.parse(parallel.out) as typeof expected;
    expect(actual.length).toBe(900);
    expect(expected.reduce((sum, file) => sum + file.messages.length, 0)).toBeGreaterThan(900);
    expect(actual).toEqual(expected);
  }, 120_000);

  it('stops with a clear message, and no thread left running, when a worker meets a broken configuration', () => {
    const files = manyFiles();
    // The last folder's configuration is broken; its files come late in the list, in a worker's chunks
    // or this thread's, whichever takes them.
    files['zz/sdprompt.config.json'] = '{ "rules": { "prompt/duplicate-tag": "loud" } }';
    for (let i = 0; i < 50; i++) files[`zz/q${i}.sdprompt`] = 'a house\n';
    const project = makeProject(files, 'sdprompt-parallel-');
    projects.push(project);
    const started = Date.now();
    const result = bundled(['lint', '.'], project);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/sdprompt\.config\.json/);
    expect(result.err).not.toMatch(/internal error|\n\s+at /);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
