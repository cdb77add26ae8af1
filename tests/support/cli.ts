/** Running the `sdprompt` CLI in-process with captured streams, on temporary project folders. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `sdprompt ARGV…` in `cwd` with `stdinText` on stdin and only `env` as the environment;
 * `tty` makes stderr look like a terminal (progress lines).
 */
export async function runCli(argv: string[], cwd: string, stdinText = '', env: NodeJS.ProcessEnv = {}, tty = false): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  stdin.end(stdinText);
  const code = await main(['node', 'sdprompt', ...argv], { stdout, stderr, stdin, cwd, env });
  return { code, out, err };
}

/** A temporary folder holding `files` (relative path → content). */
export function makeProject(files: Record<string, string>, prefix = 'sdprompt-cli-'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}
