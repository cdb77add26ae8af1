import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { validateComfyGraph, withFileLists } from '../../src/engines/comfyui-validate.js';
import { loadObjectInfoFixture } from '../engines/servers/comfyui-server.js';

async function run(argv: string[], stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const input = new PassThrough();
  input.end(stdin);
  const code = await main(['node', 'sdprompt', ...argv], { stdout, stderr, stdin: input, env: {}, cwd: os.tmpdir() });
  return { code, out, err };
}

const FILE = `@params
checkpoint: sd15.safetensors
seed: 5
steps: 20

@prompt first
a (cat:1.2), [dog], <lora:JL_sectionplan:0.6:0.3>

@prompt second
a house AND a tree :0.5
`;

describe('sdprompt compile', () => {
  it('prints JSON Lines, one POST /prompt body per prompt, valid against object_info', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-cli-'));
    const file = path.join(dir, 'two.sdprompt');
    await writeFile(file, FILE);
    const { code, out, err } = await run(['compile', file, '--target', 'comfyui', '--json']);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    const info = withFileLists(loadObjectInfoFixture(), { checkpoints: ['sd15.safetensors'], loras: ['JL_sectionplan.safetensors'] });
    for (const line of lines) expect(validateComfyGraph(JSON.parse(line).prompt, info)).toMatchObject({ ok: true, node_errors: {} });
    const first = JSON.parse(lines[0]!).prompt;
    expect(Object.values(first).find((n: any) => n.class_type === 'CLIPTextEncode')).toMatchObject({ inputs: { text: 'a (cat:1.2), (dog:0.9091),' } });
    expect(err).toMatch(/two\.sdprompt:10:\d+: warning AND becomes ConditioningSetAreaStrength.*\[engine\/and-semantics\]/);
  });

  it('compiles a bare prompt from stdin with defaults, for every target', async () => {
    for (const target of ['ir', 'a1111', 'forge', 'sdnext', 'comfyui', 'sdcpp', 'sdcpp-cli', 'compel']) {
      const { code, out } = await run(['compile', '-', '-t', target, '--json', '--seed', '9'], 'a red (hat:1.1)');
      expect(code, target).toBe(0);
      expect(out.trim().split('\n'), target).toHaveLength(1);
      JSON.parse(out);
    }
    const a1111 = JSON.parse((await run(['compile', '-', '-t', 'a1111', '--json'], 'a red (hat:1.1)')).out);
    expect(a1111).toMatchObject({ route: 'txt2img', body: { prompt: 'a red (hat:1.1)', steps: 20, cfg_scale: 7, width: 512, height: 512, seed: -1 } });
  });

  it('usage errors are one clear line with exit 2', async () => {
    expect(await run(['compile', '-', '-t', 'midjourney'], 'x')).toMatchObject({ code: 2, err: expect.stringContaining('unknown target "midjourney"') });
    expect(await run(['compile', '/nonexistent/x.sdprompt', '-t', 'ir'])).toMatchObject({ code: 2, err: 'sdprompt: cannot read /nonexistent/x.sdprompt: no such file\n' });
  });
});
