import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const examples = path.join(repoRoot, 'examples', 'loras');

async function run(argv: string[], cwd = repoRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-cli-cache-'));
  const code = await main(['node', 'sdprompt', ...argv], { stdout, stderr, stdin: new PassThrough(), cwd, env: { SDPROMPT_CACHE_DIR: cacheDir } });
  return { code, stdout: out, stderr: err };
}

describe('sdprompt loras', () => {
  it('lists name, base model, preferred weight and trigger words; the broken file is an error (exit 1)', async () => {
    const { code, stdout, stderr } = await run(['loras', '--a1111-root', 'examples/loras']);
    expect(stdout.split('\n')[0]).toMatch(/^NAME\s+BASE\s+WEIGHT\s+TRIGGER WORDS$/);
    expect(stdout).toMatch(/^JL_sectionplan\s+SD1\s+0\.6\s+section plan, JL_section plan$/m);
    expect(stdout).toMatch(/^archi_sdxl_lines\s+SDXL\s+-\s+sdxl lines$/m);
    expect(stdout).toMatch(/^broken_truncated\s+broken/m);
    expect(stderr).toMatch(/error: broken_truncated\.safetensors: header length \d+ runs past the end/);
    expect(stdout).toMatch(/^\(also 2 embeddings, 3 wildcards, 2 checkpoints; --json lists them\)$/m);
    expect(code).toBe(1);
  });

  it('--json gives one row per LoRA plus the diagnostics', async () => {
    const { stdout } = await run(['loras', '--lora-dir', path.join(examples, 'models', 'Lora'), '--json']);
    const data = JSON.parse(stdout);
    const jl = data.loras.find((row: { name: string }) => row.name === 'JL_sectionplan');
    expect(jl).toMatchObject({
      baseModel: 'sd1', preferredWeight: 0.6, relativePath: 'JL_sectionplan.safetensors',
      triggerWords: [{ text: 'section plan', sources: ['activation-text', 'tag-frequency'] }, { text: 'JL_section plan', sources: ['activation-text', 'tag-frequency'] }],
    });
    expect(data.diagnostics.map((d: { code: string }) => d.code)).toEqual(['library/corrupt-file']);
    const all = JSON.parse((await run(['loras', '--a1111-root', 'examples/loras', '--json'])).stdout);
    expect(all.embeddings.map((e: { name: string }) => e.name)).toEqual(['archi_negative', 'sdxl_clean_lines']);
    expect(all.wildcards.map((w: { name: string }) => w.name)).toEqual(['archi/style', 'archi/view', 'materials']);
    expect(all.checkpoints.map((c: { name: string; baseModel: string }) => [c.name, c.baseModel])).toEqual([['sd15_stub', 'sd1'], ['sdxl_stub', 'sdxl']]);
  });

  it('show NAME prints the card with hashes', async () => {
    const { code, stdout } = await run(['loras', 'show', 'JL_sectionplan', '--a1111-root', 'examples/loras']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^prompt:\s+<lora:JL_sectionplan:0\.6> section plan, JL_section plan$/m);
    expect(stdout).toMatch(/^base model:\s+SD1 \(from user-metadata; A1111 shows SD1\)$/m);
    expect(stdout).toMatch(/^AutoV2:\s+[0-9a-f]{10}$/m);
    expect(stdout).toMatch(/^Lora hash:\s+[0-9a-f]{12} \(sshs_model_hash\)$/m);
    expect(stdout).toMatch(/^preview:\s+.*JL_sectionplan\.png$/m);
    const json = await run(['loras', '--a1111-root', 'examples/loras', 'show', 'archi_sketch', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ promptName: 'archi_sketch', insertText: '<lora:archi_sketch:1>', hashes: { autoV2: expect.stringMatching(/^[0-9a-f]{10}$/) } });
  });

  it('an unknown name exits 1 with "did you mean"; no source exits 2 with what to pass', async () => {
    const unknown = await run(['loras', 'show', 'JL_sectionplam', '--a1111-root', 'examples/loras']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('sdprompt: no LoRA named "JL_sectionplam" (A1111 would say "Lora not found"); did you mean "JL_sectionplan"?\n');
    const empty = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-cli-empty-'));
    const none = await run(['loras'], empty);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no LoRA source: pass --lora-dir DIR/);
    const badEngine = await run(['loras', '--engine', 'ftp://x'], empty);
    expect(badEngine.code).toBe(2);
    expect(badEngine.stderr).toMatch(/engines\.0: not an http\(s\) URL/);
  });

  it('reads the library section of sdprompt.config.json when no flag names a source', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-cli-config-'));
    await writeFile(path.join(dir, 'sdprompt.config.json'), JSON.stringify({ root: true, library: { a1111Root: examples } }));
    const { stdout } = await run(['loras', '--json'], dir);
    expect(JSON.parse(stdout).loras.map((row: { name: string }) => row.name)).toContain('JL_sectionplan');
  });
});
