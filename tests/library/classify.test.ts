import { describe, expect, it } from 'vitest';
import {
  a1111Version, classifyCheckpointKeys, classifyEmbeddingKeys, classifyLoraKeys, familyFromCivitai, familyFromMetadata,
} from '../../src/library/classify.js';
import { buildSafetensors, loraTensors, type FixtureFamily, type FixtureFormat, type TensorSpec } from '../../src/library/fixtures.js';
import { parseSafetensorsBytes, type TensorInfo } from '../../src/library/safetensors.js';

function tensorsOf(specs: TensorSpec[]): Map<string, TensorInfo> {
  const result = parseSafetensorsBytes(buildSafetensors(specs).bytes);
  if (!result.ok) throw new Error(result.problem);
  return result.header.tensors;
}

describe('LoRA key families (no metadata)', () => {
  const cases: Array<[FixtureFamily, FixtureFormat, string, string, string, number | undefined]> = [
    // family, format → keyFormat, algorithm, baseModel, rank
    ['sd1', 'kohya', 'kohya', 'lora', 'sd1', 3],
    ['sd2', 'kohya', 'kohya', 'lora', 'sd2', 3],
    ['sdxl', 'kohya', 'kohya', 'lora', 'sdxl', 3],
    ['sd1', 'locon', 'kohya', 'locon', 'sd1', 3],
    ['sdxl', 'locon', 'kohya', 'locon', 'sdxl', 3],
    ['sd1', 'loha', 'kohya', 'loha', 'sd1', 3],
    ['sd1', 'lokr', 'kohya', 'lokr', 'unknown', undefined],
    ['sdxl', 'lokr', 'kohya', 'lokr', 'sdxl', undefined],
    ['sd1', 'dora', 'kohya', 'dora', 'sd1', 3],
    ['sd1', 'full', 'kohya', 'full', 'unknown', undefined],
    ['sd1', 'peft', 'peft', 'lora', 'sd1', 3],
    ['sdxl', 'peft', 'peft', 'lora', 'sdxl', 3],
    ['sd1', 'diffusers', 'diffusers', 'lora', 'sd1', 3],
    ['flux', 'peft', 'peft', 'lora', 'sd3-flux', 3],
    ['flux', 'kohya', 'kohya', 'lora', 'sd3-flux', 3],
  ];
  it.each(cases)('%s %s → %s keys, %s, %s, rank %s', (family, format, keyFormat, algorithm, baseModel, rank) => {
    const facts = classifyLoraKeys(tensorsOf(loraTensors({ family, format, rank: 3, layers: 4 })));
    expect(facts.keyFormat).toBe(keyFormat);
    expect(facts.algorithm).toBe(algorithm);
    expect(facts.baseModel).toBe(baseModel);
    expect(facts.rank).toBe(rank);
    expect(facts.looksLikeEmbedding).toBe(false);
  });

  it('tells what a LoRA touches and where its alpha is', () => {
    const unetOnly = classifyLoraKeys(tensorsOf(loraTensors({ family: 'sd1', textEncoderModules: 0 })));
    expect(unetOnly.targets).toEqual({ unet: true, textEncoder: false });
    expect(unetOnly.alphaKey).toMatch(/^lora_unet_.*\.alpha$/);
    const both = classifyLoraKeys(tensorsOf(loraTensors({ family: 'sdxl' })));
    expect(both.targets).toEqual({ unet: true, textEncoder: true });
  });

  it('recognises a textual-inversion file put among LoRAs', () => {
    const facts = classifyLoraKeys(tensorsOf([{ name: 'emb_params', dtype: 'F32', shape: [4, 768] }]));
    expect(facts.looksLikeEmbedding).toBe(true);
    expect(facts.keyFormat).toBe('embedding');
  });

  it('SDXL key names alone (no shapes to read) mean SDXL', () => {
    const tensors = new Map<string, TensorInfo>([
      ['lora_unet_output_blocks_0_1_proj_in.lora_down.weight', { dtype: 'F16', shape: [4, 1280], dataOffsets: [0, 0] }],
    ]);
    expect(classifyLoraKeys(tensors).baseModel).toBe('sdxl');
  });
});

describe('families from metadata', () => {
  const cases: Array<[Record<string, string>, string | undefined, string | undefined, string]> = [
    [{ 'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora' }, 'sdxl', 'modelspec', 'SD1'],
    [{ 'modelspec.architecture': 'stable-diffusion-v1/lora' }, 'sd1', 'modelspec', 'SD1'],
    [{ 'modelspec.architecture': 'flux-1-dev/lora' }, 'sd3-flux', 'modelspec', 'SD1'],
    [{ ss_base_model_version: 'sdxl_base_v1-0' }, 'sdxl', 'kohya-metadata', 'SDXL'],
    [{ ss_base_model_version: 'sd_v2' }, 'sd2', 'kohya-metadata', 'SD1'],
    [{ ss_v2: 'True' }, 'sd2', 'kohya-metadata', 'SD2'],
    [{ ss_v2: 'False', ss_output_name: 'x' }, undefined, undefined, 'SD1'],
    [{}, undefined, undefined, 'Unknown'],
  ];
  it.each(cases)('%j → %s (%s); A1111 shows %s', (metadata, family, source, a1111) => {
    const result = familyFromMetadata(metadata);
    expect(result?.baseModel).toBe(family);
    expect(result?.source).toBe(source);
    expect(a1111Version(metadata)).toBe(a1111);
  });

  it.each([
    ['SD 1.5', 'sd1'], ['SD 2.1', 'sd2'], ['SDXL 1.0', 'sdxl'], ['Pony', 'sdxl'], ['Illustrious', 'sdxl'], ['Flux.1 D', 'sd3-flux'],
    ['SD 3.5', 'sd3-flux'], ['Other', 'unknown'],
  ])('Civitai base model %s → %s', (name, family) => {
    expect(familyFromCivitai(name)).toBe(family);
  });
});

describe('checkpoints and embeddings', () => {
  const checkpoint = (key: string, channels = 4) => tensorsOf([
    { name: key, dtype: 'F16', shape: [2, 2] },
    { name: 'model.diffusion_model.input_blocks.0.0.weight', dtype: 'F16', shape: [2, channels, 1, 1] },
  ]);
  it.each([
    ['conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight', 'sdxl'],
    ['cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight', 'sd2'],
    ['cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight', 'sd1'],
    ['model.diffusion_model.double_blocks.0.img_attn.qkv.weight', 'sd3-flux'],
    ['first_stage_model.decoder.conv_in.weight', 'unknown'],
  ])('checkpoint with %s is %s', (key, family) => {
    expect(classifyCheckpointKeys(checkpoint(key)).baseModel).toBe(family);
  });
  it('9 input channels mean an inpainting model', () => {
    expect(classifyCheckpointKeys(checkpoint('cond_stage_model.transformer.text_model.x', 9)).inpainting).toBe(true);
    expect(classifyCheckpointKeys(checkpoint('cond_stage_model.transformer.text_model.x', 4)).inpainting).toBe(false);
  });
  it('embeddings: emb_params width tells SD1/SD2, clip_g means SDXL', () => {
    expect(classifyEmbeddingKeys(tensorsOf([{ name: 'emb_params', dtype: 'F32', shape: [3, 768] }]))).toEqual({ baseModel: 'sd1', vectors: 3 });
    expect(classifyEmbeddingKeys(tensorsOf([{ name: 'emb_params', dtype: 'F32', shape: [5, 1024] }]))).toEqual({ baseModel: 'sd2', vectors: 5 });
    expect(classifyEmbeddingKeys(tensorsOf([
      { name: 'clip_l', dtype: 'F16', shape: [2, 768] }, { name: 'clip_g', dtype: 'F16', shape: [2, 1280] },
    ]))).toEqual({ baseModel: 'sdxl', vectors: 2 });
  });
});
