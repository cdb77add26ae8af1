/**
 * SDXL without --base-model: the checkpoint a prompt file names is looked up in the library
 * (--checkpoint-dir), whose family (read from the tensor keys) picks ComfyUI's text encoder. The
 * flag wins; an unknown checkpoint stays SD1 (no guess from the name). Without flags, the library
 * of sdprompt.config.json is used, as lint uses it. The lint rule
 * lora/family-mismatch reads the same library fact, so the two never disagree.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpointFixture, writeLoraFixture } from '../../src/library/fixtures.js';
import { makeProject, runCli } from '../support/cli.js';

let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = makeProject({
    'sdprompt.config.json': JSON.stringify({ library: { checkpointDirs: ['ckpts'], loraDirs: ['loras'] } }),
    // For the cases without any library: --config names this one instead of the folder's.
    'empty.config.json': '{}',
  });
  env = { XDG_CACHE_HOME: path.join(root, '.cache') };
  await mkdir(path.join(root, 'ckpts', 'XL'), { recursive: true });
  await mkdir(path.join(root, 'loras'), { recursive: true });
  await writeCheckpointFixture(path.join(root, 'ckpts', 'XL'), 'juggernaut', 'sdxl');
  await writeCheckpointFixture(path.join(root, 'ckpts'), 'v1-5-pruned', 'sd1');
  await writeCheckpointFixture(path.join(root, 'ckpts'), 'sd21', 'sd2');
  await writeLoraFixture(path.join(root, 'loras'), { name: 'JL_sectionplan', family: 'sd1' });
});

const promptFile = (checkpoint: string) => `@params\ncheckpoint: ${checkpoint}\nseed: 1\n\n@prompt house\na house <lora:JL_sectionplan:0.6>\n\n@negative\nblurry\n`;

async function encoders(checkpoint: string, flags: string[]): Promise<string[]> {
  const file = path.join(root, `${checkpoint.replace(/\W/g, '_')}.sdprompt`);
  await import('node:fs/promises').then((fs) => fs.writeFile(file, promptFile(checkpoint)));
  const { code, out, err } = await runCli(['compile', file, '--target', 'comfyui', '--json', ...flags], root, '', env);
  expect(code, err).toBe(0);
  const graph = JSON.parse(out).prompt as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
  return Object.values(graph)
    .map((node) => node.class_type)
    .filter((type) => type.startsWith('CLIPTextEncode'));
}

describe('compile --target comfyui: the text encoder follows the checkpoint family', () => {
  const SDXL = ['CLIPTextEncodeSDXL', 'CLIPTextEncodeSDXL'];
  const SD1 = ['CLIPTextEncode', 'CLIPTextEncode'];
  const cases: Array<[string, string, string[], string[]]> = [
    ['an SDXL checkpoint in the library (by stem, in a subfolder)', 'juggernaut', ['--checkpoint-dir', 'ckpts'], SDXL],
    ['an SDXL checkpoint named by its relative path', 'XL/juggernaut.safetensors', ['--checkpoint-dir', 'ckpts'], SDXL],
    ['an SD1 checkpoint in the library', 'v1-5-pruned', ['--checkpoint-dir', 'ckpts'], SD1],
    ['an SD2 checkpoint (CLIPTextEncode as for SD1)', 'sd21', ['--checkpoint-dir', 'ckpts'], SD1],
    ['--base-model sd1 wins over the library', 'juggernaut', ['--checkpoint-dir', 'ckpts', '--base-model', 'sd1'], SD1],
    ['--base-model sdxl wins over the library', 'v1-5-pruned', ['--checkpoint-dir', 'ckpts', '--base-model', 'sdxl'], SDXL],
    ['a checkpoint the library does not have: SD1, however XL its name looks', 'animagine_xl_sdxl', ['--checkpoint-dir', 'ckpts'], SD1],
    ['no flags: the library of sdprompt.config.json (checkpointDirs), as lint reads it', 'juggernaut', [], SDXL],
    ['no library at all (--config names a config without one): SD1', 'juggernaut', ['--config', 'empty.config.json'], SD1],
  ];
  it.each(cases)('%s', async (_name, checkpoint, flags, expected) => {
    expect(await encoders(checkpoint, flags)).toEqual(expected);
  });

  it('the SDXL encoder gets the image size and the same text in text_g and text_l', async () => {
    const file = path.join(root, 'size.sdprompt');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, promptFile('juggernaut').replace('seed: 1', 'seed: 1\nsize: 832x1216')));
    const { out } = await runCli(['compile', file, '-t', 'comfyui', '--json', '--checkpoint-dir', 'ckpts'], root, '', env);
    const graph = JSON.parse(out).prompt as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    const positive = Object.values(graph).find((node) => node.class_type === 'CLIPTextEncodeSDXL')!;
    expect(positive.inputs).toMatchObject({ width: 832, height: 1216, target_width: 832, target_height: 1216, text_g: 'a house', text_l: 'a house' });
  });
});

describe('the IR records the base model and where it came from', () => {
  const cases: Array<[string, string[], Record<string, unknown>]> = [
    ['from the library', ['--checkpoint-dir', 'ckpts'], { baseModel: 'sdxl', baseModelFrom: 'library' }],
    ['from --base-model', ['--checkpoint-dir', 'ckpts', '--base-model', 'sd1'], { baseModel: 'sd1', baseModelFrom: 'option' }],
    ['from the configuration\'s library', [], { baseModel: 'sdxl', baseModelFrom: 'library' }],
    ['unknown: absent', ['--config', 'empty.config.json'], { baseModel: undefined, baseModelFrom: undefined }],
  ];
  it.each(cases)('%s', async (_name, flags, expected) => {
    const file = path.join(root, 'ir.sdprompt');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, promptFile('juggernaut')));
    const { out } = await runCli(['compile', file, '-t', 'ir', '--json', ...flags], root, '', env);
    const ir = JSON.parse(out);
    expect({ baseModel: ir.parameters.baseModel, baseModelFrom: ir.parameters.baseModelFrom }).toEqual(expected);
    // Where the checkpoint was written, for engine messages about it.
    expect(promptFile('juggernaut').slice(ir.parameterSources.checkpoint.start, ir.parameterSources.checkpoint.end)).toBe('juggernaut');
  });
});

describe('render', () => {
  it('--dry-run on ComfyUI uses the library family too; --base-model wins', async () => {
    const file = path.join(root, 'render.sdprompt');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, promptFile('juggernaut')));
    const types = async (flags: string[]) => {
      const { code, out, err } = await runCli(['render', 'render.sdprompt', '--engine-type', 'comfyui', '--dry-run', ...flags], root, '', env);
      expect(code, err).toBe(0);
      return Object.values(JSON.parse(out).payload.prompt as Record<string, { class_type: string }>).map((node) => node.class_type);
    };
    expect(await types(['--checkpoint-dir', 'ckpts'])).toContain('CLIPTextEncodeSDXL');
    expect(await types(['--checkpoint-dir', 'ckpts', '--base-model', 'sd1'])).not.toContain('CLIPTextEncodeSDXL');
    expect(await types([])).toContain('CLIPTextEncodeSDXL');
    expect(await types(['--config', 'empty.config.json'])).not.toContain('CLIPTextEncodeSDXL');
    const bad = await runCli(['render', 'render.sdprompt', '--engine-type', 'comfyui', '--dry-run', '--base-model', 'xl'], root, '', env);
    expect(bad).toMatchObject({ code: 2, err: 'sdprompt: --base-model must be sd1 or sdxl, not "xl"\n' });
  });
});

describe('lint agrees', () => {
  it('lora/family-mismatch calls the checkpoint SDXL exactly when compile picks the SDXL encoder', async () => {
    for (const [checkpoint, sdxl] of [
      ['juggernaut', true],
      ['v1-5-pruned', false],
      ['animagine_xl_sdxl', false],
    ] as const) {
      const file = path.join(root, `lint-${checkpoint}.sdprompt`);
      await import('node:fs/promises').then((fs) => fs.writeFile(file, promptFile(checkpoint)));
      const lint = await runCli(['lint', path.basename(file), '--format', 'json'], root, '', env);
      const rules = (JSON.parse(lint.out) as Array<{ messages: Array<{ ruleId: string }> }>)[0]!.messages.map((m) => m.ruleId);
      expect(rules.includes('lora/family-mismatch'), checkpoint).toBe(sdxl);
      expect((await encoders(checkpoint, ['--checkpoint-dir', 'ckpts'])).includes('CLIPTextEncodeSDXL'), checkpoint).toBe(sdxl);
    }
  });
});
