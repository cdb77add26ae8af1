import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../support/cli.js';

function cli(argv: string[], cwd: string, stdinText = '', env: NodeJS.ProcessEnv = {}) {
  return runCli(argv, cwd, stdinText, { SDPROMPT_CACHE_DIR: path.join(cwd, '.cache'), ...env });
}


const clean = '@prompt\na house, a garden\n';
const warned = '@prompt\na house, , a garden\n';
const broken = '@prompt\na house <JL_sectionplan:0.1>\n';

describe('sdprompt lint', () => {
  it('exit 0 on clean files, 1 on errors, 2 on usage errors', async () => {
    const root = makeProject({ 'ok.sdprompt': clean, 'sub/bad.sdprompt': broken, 'node_modules/x.sdprompt': broken, 'notes.txt': broken });
    expect((await cli(['lint', 'ok.sdprompt'], root)).code).toBe(0);
    const all = await cli(['lint'], root);
    expect(all.code).toBe(1);
    expect(all.out).toContain(path.join('sub', 'bad.sdprompt'));
    expect(all.out).not.toContain('node_modules');
    const globbed = await cli(['lint', 'sub/*.sdprompt', '--format', 'json'], root);
    expect(JSON.parse(globbed.out).map((report: { filePath: string }) => path.relative(root, report.filePath))).toEqual([path.join('sub', 'bad.sdprompt')]);
    // A file named explicitly is linted whatever its extension.
    expect(JSON.parse((await cli(['lint', 'notes.txt', '--format', 'json'], root)).out)[0].errorCount).toBe(1);
    expect((await cli(['lint', '--format', 'xml'], root)).code).toBe(2);
    const missing = await cli(['lint', 'nothing/*.sdprompt'], root);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no prompt files match "nothing\/\*\.sdprompt"/);
  });

  it('--max-warnings and --quiet', async () => {
    const root = makeProject({ 'w.sdprompt': warned });
    expect((await cli(['lint'], root)).code).toBe(0);
    expect((await cli(['lint', '--max-warnings', '0'], root)).code).toBe(1);
    expect((await cli(['lint', '--max-warnings', '0', '--quiet'], root)).out).toBe('');
  });

  it('--fix writes atomically and skips files with syntax errors', async () => {
    const root = makeProject({ 'w.sdprompt': warned + 'a (((tall)))\n', 'syntax.sdprompt': '@prompt\na, , b (x:1..2)\n' });
    const result = await cli(['lint', '--fix'], root);
    expect(readFileSync(path.join(root, 'w.sdprompt'), 'utf8')).toBe('@prompt\na house, a garden\na (tall:1.331)\n');
    expect(readFileSync(path.join(root, 'syntax.sdprompt'), 'utf8')).toBe('@prompt\na, , b (x:1..2)\n');
    expect(result.code).toBe(1);
    expect(readdirSync(root).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('--stdin with --stdin-filename uses that file\'s configuration; --fix-dry-run shows the output in json', async () => {
    const root = makeProject({ 'sdprompt.config.json': JSON.stringify({ root: true, rules: { 'prompt/empty-tag': 'error' } }) });
    const result = await cli(['lint', '--stdin', '--stdin-filename', 'x.sdprompt', '--format', 'json', '--fix-dry-run'], root, warned);
    const [report] = JSON.parse(result.out);
    expect(report.filePath).toBe(path.join(root, 'x.sdprompt'));
    expect(report.output).toBe('@prompt\na house, a garden\n');
    const plain = await cli(['lint', '--stdin', '--format', 'json'], root, warned);
    expect(JSON.parse(plain.out)[0].messages[0]).toMatchObject({ ruleId: 'prompt/empty-tag', severity: 2 });
    expect(plain.code).toBe(1);
  });

  it('a bad configuration is exit 2 with the file and the problem', async () => {
    const root = makeProject({ 'sdprompt.config.json': '{"rules": {"lora/shorthnd": "error"}}', 'a.sdprompt': clean });
    const result = await cli(['lint'], root);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/sdprompt\.config\.json: invalid configuration:\n {2}- rules: unknown rule "lora\/shorthnd" \(did you mean "lora\/shorthand"\?\)/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it('ignores from the configuration, and one note per run about skipped rules', async () => {
    const root = makeProject({ 'sdprompt.config.json': JSON.stringify({ root: true, ignores: ['out/**'] }), 'out/a.sdprompt': broken, 'a.sdprompt': clean, 'b.prompt.txt': clean });
    const result = await cli(['lint'], root);
    expect(result.code).toBe(0);
    expect(result.err.match(/no LoRA library configured/g)).toHaveLength(1);
  });

  it('--cache reuses results until the content or the configuration changes', async () => {
    const root = makeProject({ 'a.sdprompt': warned });
    const first = await cli(['lint', '--cache', '--format', 'json'], root);
    const cacheDir = path.join(root, '.cache');
    expect(readdirSync(cacheDir).some((name) => name.startsWith('lint-'))).toBe(true);
    expect((await cli(['lint', '--cache', '--format', 'json'], root)).out).toBe(first.out);
    writeFileSync(path.join(root, 'sdprompt.config.json'), JSON.stringify({ rules: { 'prompt/empty-tag': 'error' } }));
    const changed = await cli(['lint', '--cache', '--format', 'json'], root);
    expect(JSON.parse(changed.out)[0].errorCount).toBe(1);
  });

  it('--print-config shows the resolved configuration of a file', async () => {
    const root = makeProject({ 'sdprompt.config.json': JSON.stringify({ root: true, overrides: [{ files: ['drafts/**'], rules: { 'lora/weight-range': ['error', { max: 2 }] } }] }) });
    const printed = JSON.parse((await cli(['lint', '--print-config', 'drafts/a.sdprompt'], root)).out);
    expect(printed.rules['lora/weight-range']).toEqual(['error', { min: 0, max: 2 }]);
    expect(printed.sources).toEqual([path.join(root, 'sdprompt.config.json')]);
  });

  it('--report-unused-disable-directives', async () => {
    const root = makeProject({ 'a.sdprompt': '@prompt\n# sdprompt-disable-next-line prompt/empty-tag\na house\n' });
    expect((await cli(['lint', '--max-warnings', '0'], root)).code).toBe(0);
    const result = await cli(['lint', '--report-unused-disable-directives', '--max-warnings', '0'], root);
    expect(result.code).toBe(1);
    expect(result.out).toContain('lint/unused-disable-directive');
  });
});

describe('sdprompt rules and init', () => {
  it('rules prints a table and --json', async () => {
    const root = makeProject({});
    const table = await cli(['rules'], root);
    expect(table.out).toMatch(/lora\/shorthand +error +fix +`<NAME:weight>`/);
    const list = JSON.parse((await cli(['rules', '--json'], root)).out);
    expect(list.find((rule: { id: string }) => rule.id === 'lora/weight-range').defaultOptions).toEqual({ min: 0, max: 1 });
  });

  it('init writes a valid starter config and never overwrites one', async () => {
    const root = makeProject({ 'a.sdprompt': clean });
    expect((await cli(['init', '--preset', 'strict', '--lora-dir', 'models/Lora'], root)).code).toBe(0);
    const written = JSON.parse(readFileSync(path.join(root, 'sdprompt.config.json'), 'utf8'));
    expect(written).toMatchObject({ root: true, extends: 'strict', library: { loraDirs: ['models/Lora'] } });
    expect((await cli(['lint'], root)).code).toBe(0);
    writeFileSync(path.join(root, 'sdprompt.config.json'), '{"root": true}');
    const again = await cli(['init'], root);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists/);
    expect(readFileSync(path.join(root, 'sdprompt.config.json'), 'utf8')).toBe('{"root": true}');
    expect(existsSync(path.join(root, 'sdprompt.config.json.tmp'))).toBe(false);
    const withPackage = makeProject({ 'package.json': JSON.stringify({ name: 'x', sdprompt: { root: true } }) });
    const refused = await cli(['init'], withPackage);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/package\.json .* already has an "sdprompt" configuration/);
    expect(existsSync(path.join(withPackage, 'sdprompt.config.json'))).toBe(false);
  });
});
