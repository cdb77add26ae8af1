/** `sdprompt fmt`, run in-process with captured streams on temporary folders. */
import { chmodSync, readdirSync, readFileSync, statSync, symlinkSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../support/cli.js';

function cli(argv: string[], cwd: string, stdinText = '') {
  return runCli(['fmt', ...argv], cwd, stdinText);
}


const messy = '@prompt house\na house ,a garden\n';
const tidy = '@prompt house\na house, a garden\n';
const broken = '@prompt house\na house, (a garden:1..2)\n';

describe('sdprompt fmt', () => {
  it('prints one formatted file to stdout and leaves it alone', async () => {
    const root = makeProject({ 'a.sdprompt': messy });
    const result = await cli(['a.sdprompt'], root);
    expect(result).toEqual({ code: 0, out: tidy, err: '' });
    expect(readFileSync(path.join(root, 'a.sdprompt'), 'utf8')).toBe(messy);
  });

  it('formats stdin with --stdin', async () => {
    const root = makeProject({});
    expect(await cli(['--stdin'], root, messy)).toEqual({ code: 0, out: tidy, err: '' });
    expect((await cli(['--stdin', '--check'], root, messy)).code).toBe(1);
    expect((await cli(['--stdin', '--check'], root, tidy)).code).toBe(0);
  });

  it('--check lists unformatted files and exits 1; 0 when all are formatted', async () => {
    const root = makeProject({ 'a.sdprompt': messy, 'sub/b.sdprompt': tidy, 'sub/c.sdprompt': messy, 'node_modules/x.sdprompt': messy });
    const result = await cli(['--check'], root);
    expect(result.code).toBe(1);
    expect(result.out.split('\n').filter(Boolean)).toEqual(['a.sdprompt', path.join('sub', 'c.sdprompt')]);
    expect(result.err).toContain('2 of 3 files not formatted');
    expect(readFileSync(path.join(root, 'a.sdprompt'), 'utf8')).toBe(messy);
    expect((await cli(['--check', 'sub/b.sdprompt'], root)).code).toBe(0);
  });

  it('--write rewrites unformatted files in place, keeps their mode, leaves no temp files', async () => {
    const root = makeProject({ 'a.sdprompt': messy, 'b.sdprompt': tidy });
    chmodSync(path.join(root, 'a.sdprompt'), 0o640);
    const before = statSync(path.join(root, 'b.sdprompt')).mtimeMs;
    const result = await cli(['--write', '.'], root);
    expect(result.code).toBe(0);
    expect(result.out).toBe('a.sdprompt\n');
    expect(readFileSync(path.join(root, 'a.sdprompt'), 'utf8')).toBe(tidy);
    expect(statSync(path.join(root, 'a.sdprompt')).mode & 0o777).toBe(0o640);
    expect(statSync(path.join(root, 'b.sdprompt')).mtimeMs).toBe(before);
    expect(readdirSync(root).sort()).toEqual(['a.sdprompt', 'b.sdprompt']);
    expect((await cli(['--check'], root)).code).toBe(0);
  });

  it('--write through a symbolic link rewrites the target and keeps the link', async () => {
    const root = makeProject({ 'real.sdprompt': messy });
    symlinkSync(path.join(root, 'real.sdprompt'), path.join(root, 'link.sdprompt'));
    expect((await cli(['--write', 'link.sdprompt'], root)).code).toBe(0);
    expect(lstatSync(path.join(root, 'link.sdprompt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(root, 'real.sdprompt'), 'utf8')).toBe(tidy);
  });

  it('never touches files with syntax errors, reports them with a location, exits 1', async () => {
    const root = makeProject({ 'bad.sdprompt': broken, 'a.sdprompt': messy });
    const result = await cli(['--write', '.'], root);
    expect(result.code).toBe(1);
    expect(readFileSync(path.join(root, 'bad.sdprompt'), 'utf8')).toBe(broken);
    expect(readFileSync(path.join(root, 'a.sdprompt'), 'utf8')).toBe(tidy);
    expect(result.err).toMatch(/^bad\.sdprompt:2:20: error: .*1\.\.2.*not formatted$/m);
    const single = await cli(['bad.sdprompt'], root);
    expect(single.code).toBe(1);
    expect(single.out).toBe('');
  });

  it('globs, and usage errors exit 2 with one line', async () => {
    const root = makeProject({ 'p/a.sdprompt': messy, 'p/b.sdprompt': messy });
    expect((await cli(['--check', 'p/*.sdprompt'], root)).out).toBe(`${path.join('p', 'a.sdprompt')}\n${path.join('p', 'b.sdprompt')}\n`);
    for (const argv of [['--check', '--write', 'p'], ['p'], ['missing.sdprompt'], ['--check', 'none/*.sdprompt'], [], ['--stdin', 'p/a.sdprompt'], ['--end-of-line', 'cr', 'p/a.sdprompt']]) {
      const result = await cli(argv, root);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err).toMatch(/^sdprompt: .+\n$/);
      expect(result.out).toBe('');
    }
  });

  it('--end-of-line crlf', async () => {
    const root = makeProject({ 'a.sdprompt': messy });
    expect((await cli(['--end-of-line', 'crlf', 'a.sdprompt'], root)).out).toBe(tidy.replace(/\n/g, '\r\n'));
  });
});
