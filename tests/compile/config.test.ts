/**
 * `compile` and `render` read the configuration `lint` reads (sdprompt.config.json found upward from
 * the file, or --config): its `library` resolves LoRA files, embeddings and the checkpoint's family
 * without flags, the flags' folders come first, and its `engine` is the target when neither
 * --target nor the prompt's `engine:` says one. A broken configuration is exit 2 with its path.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpointFixture, writeLoraFixture } from '../../src/library/fixtures.js';
import { makeProject, runCli } from '../support/cli.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let root: string;
let env: NodeJS.ProcessEnv;

/** A prompt with one LoRA from the configured folder, one from the --lora-dir folder, and a checkpoint. */
const PROMPT = `@params
checkpoint: juggernaut
seed: 3

@prompt house
a house, section plan <lora:JL_sectionplan:0.8> <lora:extra_ink:0.5>

@negative
blurry
`;

beforeAll(async () => {
  root = makeProject({
    'project/sdprompt.config.json': JSON.stringify({ root: true, library: { loraDirs: ['models/loras'], checkpointDirs: ['models/ckpts'] } }),
    'project/prompts/house.sdprompt': PROMPT,
    'empty.config.json': '{}',
  });
  // The library's persistent index goes to a temp folder, never to the user's cache.
  env = { SDPROMPT_CACHE_DIR: path.join(root, '.cache') };
  // In subfolders, so a resolved file (`arch/JL_sectionplan.safetensors`) differs from the unresolved default.
  await writeLoraFixture(path.join(root, 'project/models/loras'), { name: 'JL_sectionplan', subdir: 'arch', family: 'sdxl' });
  await writeCheckpointFixture(path.join(root, 'project/models/ckpts/XL'), 'juggernaut', 'sdxl');
  await writeLoraFixture(path.join(root, 'extra'), { name: 'extra_ink', subdir: 'ink', family: 'sdxl' });
  await writeLoraFixture(path.join(root, 'extra'), { name: 'JL_sectionplan', subdir: 'mine', family: 'sdxl' });
});

interface IrOut {
  loras: Array<{ name: string; file?: string }>;
  parameters: { baseModel?: string; baseModelFrom?: string };
}

async function compileIr(args: string[], cwd = root): Promise<IrOut> {
  const { code, out, err } = await runCli(['compile', ...args, '--target', 'ir', '--json'], cwd, '', env);
  expect(code, err).toBe(0);
  return JSON.parse(out) as IrOut;
}

const files = (ir: IrOut) => Object.fromEntries(ir.loras.map((lora) => [lora.name, lora.file]));

describe('compile uses the library of the configuration that applies to the file', () => {
  it('resolves the LoRA file and the base model without flags', async () => {
    const ir = await compileIr(['project/prompts/house.sdprompt']);
    expect(files(ir)).toEqual({ JL_sectionplan: 'arch/JL_sectionplan.safetensors', extra_ink: undefined });
    expect(ir.parameters).toMatchObject({ baseModel: 'sdxl', baseModelFrom: 'library' });
  });

  it('finds the configuration from the file, not from the current folder', async () => {
    const ir = await compileIr([path.join(root, 'project/prompts/house.sdprompt')], os.tmpdir());
    expect(files(ir).JL_sectionplan).toBe('arch/JL_sectionplan.safetensors');
  });

  it('--lora-dir adds a folder: names only it has resolve, the configured ones still do', async () => {
    // `extra` has extra_ink and a second JL_sectionplan; the flag's folder answers first.
    const ir = await compileIr(['project/prompts/house.sdprompt', '--lora-dir', 'extra']);
    expect(files(ir)).toEqual({ JL_sectionplan: 'mine/JL_sectionplan.safetensors', extra_ink: 'ink/extra_ink.safetensors' });
    expect(ir.parameters.baseModel).toBe('sdxl');
  });

  it('--config FILE replaces the search (here: a config without a library)', async () => {
    const ir = await compileIr(['project/prompts/house.sdprompt', '--config', 'empty.config.json']);
    expect(files(ir)).toEqual({ JL_sectionplan: undefined, extra_ink: undefined });
    expect(ir.parameters.baseModel).toBeUndefined();
  });

  it('standard input takes the configuration of the current folder', async () => {
    const { code, out, err } = await runCli(['compile', '-', '-t', 'ir', '--json'], path.join(root, 'project'), PROMPT, env);
    expect(code, err).toBe(0);
    expect(files(JSON.parse(out) as IrOut).JL_sectionplan).toBe('arch/JL_sectionplan.safetensors');
  });

  it('the ComfyUI graph loads the configured file and uses the SDXL encoder', async () => {
    const { code, out, err } = await runCli(['compile', 'project/prompts/house.sdprompt', '-t', 'comfyui', '--json'], root, '', env);
    expect(code, err).toBe(0);
    const nodes = Object.values(JSON.parse(out).prompt as Record<string, { class_type: string; inputs: Record<string, unknown> }>);
    expect(nodes.filter((node) => node.class_type === 'LoraLoader').map((node) => node.inputs.lora_name)).toEqual(['arch/JL_sectionplan.safetensors', 'extra_ink.safetensors']);
    expect(nodes.map((node) => node.class_type)).toContain('CLIPTextEncodeSDXL');
  });
});

describe('broken configuration: exit 2, the config file and the problem, no stack trace', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{ "library": { "loraDirs": ["x"], } }', /sdprompt\.config\.json: invalid JSON at 1:\d+/],
    ['a misspelt key', '{ "libary": {} }', /sdprompt\.config\.json: invalid configuration:[\s\S]*libary/],
    ['a library folder that is not a list', '{ "library": { "loraDirs": "loras" } }', /sdprompt\.config\.json: invalid configuration:[\s\S]*loraDirs/],
  ];
  it.each(cases)('%s', async (_name, config, message) => {
    const dir = makeProject({ 'sdprompt.config.json': config, 'a.sdprompt': 'a house <lora:x:1>\n' });
    for (const command of [['compile', 'a.sdprompt', '-t', 'ir'], ['render', 'a.sdprompt', '--dry-run', '--engine-type', 'a1111']]) {
      const { code, out, err } = await runCli(command, dir, '', env);
      expect({ code, out }, err).toEqual({ code: 2, out: '' });
      expect(err).toMatch(new RegExp(`^sdprompt: ${path.join(dir, 'sdprompt.config.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(err).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /);
    }
  });

  it('--config naming a missing file', async () => {
    const { code, err } = await runCli(['compile', 'project/prompts/house.sdprompt', '-t', 'ir', '--config', 'nope.json'], root, '', env);
    expect(code).toBe(2);
    expect(err).toBe(`sdprompt: ${path.join(root, 'nope.json')}: config file not found\n`);
  });
});

describe('the configuration\'s engine is the default target', () => {
  const file = (engineLine: string) => `@params\nseed: 1\n${engineLine}\n@prompt p\na cat <lora:JL_sectionplan:0.5>\n`;
  let dir: string;
  beforeAll(() => {
    dir = makeProject({
      'comfy/sdprompt.config.json': JSON.stringify({ engine: 'comfyui' }),
      'comfy/plain.sdprompt': file(''),
      'comfy/sdcpp.sdprompt': file('engine: sdcpp'),
      'none/plain.sdprompt': file(''),
      'none/forge.sdprompt': file('engine: forge'),
    });
  });
  const shape = (payload: Record<string, unknown>) =>
    'prompt' in payload && typeof payload.prompt === 'object' ? 'comfyui graph' : 'route' in payload ? 'a1111 request' : 'lora' in payload ? 'sd-server body' : Object.keys(payload).join(',');
  const cases: Array<[string, string[], string]> = [
    ['the config says comfyui', ['comfy/plain.sdprompt'], 'comfyui graph'],
    ['the prompt\'s engine: wins over the config (as lint decides)', ['comfy/sdcpp.sdprompt'], 'sd-server body'],
    ['--target wins over both', ['comfy/sdcpp.sdprompt', '--target', 'a1111'], 'a1111 request'],
    ['no config, the prompt says forge', ['none/forge.sdprompt'], 'a1111 request'],
  ];
  it.each(cases)('%s', async (_name, args, expected) => {
    const { code, out, err } = await runCli(['compile', ...args, '--json'], dir, '', env);
    expect(code, err).toBe(0);
    expect(shape(JSON.parse(out))).toBe(expected);
  });

  it('no --target, no config and no engine: in the file: exit 2 saying what to do', async () => {
    const { code, out, err } = await runCli(['compile', 'none/plain.sdprompt'], dir, '', env);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toMatch(/^sdprompt: none\/plain\.sdprompt: no target for its prompts: pass --target \(ir, a1111,.*\), or set "engine" in sdprompt\.config\.json or "engine:" in the file\n$/);
  });

  it('no target and a syntax error: the syntax error is reported (exit 1), not the missing target', async () => {
    await writeFile(path.join(dir, 'none/broken.sdprompt'), '@params\nsteps: [\n@prompt p\na <lora:x\n');
    const { code, out, err } = await runCli(['compile', 'none/broken.sdprompt'], dir, '', env);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toMatch(/^none\/broken\.sdprompt:\d+:\d+: error /m);
    expect(err).toMatch(/none\/broken\.sdprompt: not compiled: fix the errors above first\n$/);
    expect(err).not.toMatch(/no target/);
  });

  it('render --dry-run without --engine or --engine-type renders for the configured engine', async () => {
    const { code, out, err } = await runCli(['render', 'comfy/plain.sdprompt', '--dry-run'], dir, '', env);
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ engine: 'comfyui' });
    const none = await runCli(['render', 'none/plain.sdprompt', '--dry-run'], dir, '', env);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no engine: pass --engine URL/);
  });
});

describe('render reads the configured library too', () => {
  it('--dry-run on ComfyUI: LoraLoader gets the configured file, the encoder the checkpoint family', async () => {
    const { code, out, err } = await runCli(['render', 'project/prompts/house.sdprompt', '--dry-run', '--engine-type', 'comfyui', '--lora-dir', 'extra'], root, '', env);
    expect(code, err).toBe(0);
    const nodes = Object.values(JSON.parse(out).payload.prompt as Record<string, { class_type: string; inputs: Record<string, unknown> }>);
    expect(nodes.filter((node) => node.class_type === 'LoraLoader').map((node) => node.inputs.lora_name)).toEqual(['mine/JL_sectionplan.safetensors', 'ink/extra_ink.safetensors']);
    expect(nodes.map((node) => node.class_type)).toContain('CLIPTextEncodeSDXL');
  });
});

describe('examples/ (examples/sdprompt.config.json: a1111Root examples/loras)', () => {
  it('compiles with every LoRA resolved to its file, without flags', async () => {
    const examples = path.join(repoRoot, 'examples');
    for (const name of ['house.sdprompt', 'house-series.sdprompt', 'house-bare.sdprompt']) {
      const { code, out, err } = await runCli(['compile', name, '--target', 'ir', '--json'], examples, '', env);
      expect(code, `${name}: ${err}`).toBe(0);
      const loras = out.trim().split('\n').flatMap((line) => (JSON.parse(line) as IrOut).loras);
      expect(loras.length, name).toBeGreaterThan(0);
      for (const lora of loras) expect(lora.file, `${name}: ${lora.name}`).toBe(`${lora.name}.safetensors`);
      // The library's problems are noted as lint notes them (examples/loras has a truncated LoRA on purpose).
      expect(err).toMatch(/^note: library: .*broken_truncated\.safetensors: /m);
    }
  });
});

describe('lint and compile read one library', () => {
  it('a LoRA lint finds is the LoRA compile resolves', async () => {
    await mkdir(path.join(root, 'project/prompts'), { recursive: true });
    await writeFile(path.join(root, 'project/prompts/missing.sdprompt'), '@prompt p\na house <lora:JL_sectionplan:0.8> <lora:nowhere:0.5>\n');
    const lint = await runCli(['lint', 'project/prompts/missing.sdprompt', '--format', 'json'], root, '', env);
    const missing = (JSON.parse(lint.out) as Array<{ messages: Array<{ ruleId: string; message: string }> }>)[0]!.messages
      .filter((m) => m.ruleId === 'lora/unknown')
      .map((m) => m.message);
    expect(missing.join('\n')).toMatch(/nowhere/);
    expect(missing.join('\n')).not.toMatch(/JL_sectionplan/);
    const ir = await compileIr(['project/prompts/missing.sdprompt']);
    expect(files(ir)).toEqual({ JL_sectionplan: 'arch/JL_sectionplan.safetensors', nowhere: undefined });
  });
});
