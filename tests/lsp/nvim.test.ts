/**
 * End to end with a real LSP client that no one here wrote: Neovim's built-in client, headless.
 * Neovim opens a prompt file, receives diagnostics, completes a LoRA name and applies the server's
 * formatting edit; the server is `sdprompt lsp`, built from this checkout. Neovim comes from
 * Debian's packages (scripts/ensure-test-tools.sh installs it): without it the test fails.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { loraFolder, repoRoot } from './fixtures.js';

const run = promisify(execFile);
const cacheDir = join(repoRoot, 'node_modules/.cache/sdprompt-e2e');
const cli = join(cacheDir, 'sdprompt.mjs');

beforeAll(async () => {
  // The CLI from source, bundled (dependencies stay in node_modules): no stale dist/.
  mkdirSync(cacheDir, { recursive: true });
  const entry = join(cacheDir, 'entry.mjs');
  writeFileSync(entry, `import { main } from ${JSON.stringify(join(repoRoot, 'src/cli/main.ts'))};\nmain(process.argv).then((code) => { process.exitCode = code; });\n`);
  await build({ entryPoints: [entry], outfile: cli, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
}, 60_000);

function neovimVersion(): string {
  try {
    return execFileSync('nvim', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  } catch {
    throw new Error('nvim is not installed: run scripts/ensure-test-tools.sh (installs Debian\'s neovim)');
  }
}

describe('Neovim built-in LSP client', () => {
  it('gets diagnostics, completes a LoRA name and applies a formatting edit', async () => {
    const version = neovimVersion();
    expect(version).toMatch(/^NVIM v0\.(\d+)/);
    const dir = mkdtempSync(join(tmpdir(), 'sdprompt-nvim-'));
    const file = join(dir, 'house.sdprompt');
    writeFileSync(file, '@prompt house\na house ,  (garden:1.20), <lora:nope:1>, <lora:JL\n');
    const out = join(dir, 'result.json');
    await run('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${join(repoRoot, 'tests/lsp/nvim/e2e.lua')}`], {
      timeout: 90_000,
      env: {
        ...process.env,
        SDPROMPT_E2E_OUT: out,
        SDPROMPT_E2E_FILE: file,
        SDPROMPT_E2E_NODE: process.execPath,
        SDPROMPT_E2E_CLI: cli,
        SDPROMPT_E2E_LORAS: loraFolder,
        SDPROMPT_CACHE_DIR: join(dir, 'cache'),
        XDG_STATE_HOME: join(dir, 'state'),
        XDG_DATA_HOME: join(dir, 'data'),
      },
    });
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.error).toBeUndefined();
    expect(result.steps).toEqual(['diagnostics', 'completed', 'formatted']);
    expect(result.diagnostics.map((d: { code: string }) => d.code)).toContain('lora/unknown');
    expect(result.completion).toContain('JL_sectionplan');
    expect(result.after_completion[1]).toBe('a house ,  (garden:1.20), <lora:nope:1>, <lora:JL_sectionplan:0.6>');
    expect(result.after_formatting[0]).toBe('@prompt house');
    expect(result.after_formatting[1]).not.toBe(result.after_completion[1]);
    expect(result.after_formatting[1]).toContain('<lora:JL_sectionplan:0.6>');
    expect(result.after_formatting[1]).toMatch(/^a house, \(garden:1\.2\), /);
  }, 120_000);
});
