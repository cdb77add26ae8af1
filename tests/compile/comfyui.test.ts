import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/compile.js';
import type { IrChunk } from '../../src/compile/ir.js';
import { lowerPromptModel } from '../../src/compile/lower.js';
import { emitComfyText, toComfyGraph, type ComfyGraph } from '../../src/engines/comfyui.js';
import { validateComfyGraph, withFileLists } from '../../src/engines/comfyui-validate.js';
import { comfyTokenWeights } from '../../src/semantics/comfyui.js';
import { promptModel } from './model-builder.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const objectInfo = withFileLists(JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/data/comfyui/object_info.core.json'), 'utf8')), {
  checkpoints: ['sd15.safetensors', 'v1-5-pruned-emaonly.safetensors'],
  loras: ['JL_sectionplan.safetensors', 'style/ink.safetensors'],
  vae: ['vae-ft-mse.safetensors'],
  controlnet: ['control_canny.safetensors'],
  input: [],
});

function classes(graph: ComfyGraph): string[] {
  return Object.values(graph).map((node) => node.class_type);
}

function nodesOf(graph: ComfyGraph, classType: string) {
  return Object.values(graph).filter((node) => node.class_type === classType);
}

describe('ComfyUI text emission', () => {
  const cases: Array<[string, IrChunk, string]> = [
    ['plain text', [{ text: 'a cat', weight: 1 }], 'a cat'],
    ['absolute weight', [{ text: 'a ', weight: 1 }, { text: 'cat', weight: 1.21 }], 'a (cat:1.21)'],
    ['[x] as 0.9091', [{ text: 'x', weight: 1 / 1.1 }], '(x:0.9091)'],
    ['literal parens escaped', [{ text: 'smile (happy)', weight: 1 }], 'smile \\(happy\\)'],
    ['literal parens inside a weight', [{ text: 'f(x)', weight: 1.5 }], '(f\\(x\\):1.5)'],
    ['colon in weighted text', [{ text: 'a:b', weight: 1.2 }], '(a:b:1.2)'],
    ['trailing backslash before a group', [{ text: 'x\\', weight: 1 }, { text: 'y', weight: 1.3 }], 'x\\ (y:1.3)'],
    ['zero weight', [{ text: 'x', weight: 0 }], '(x:0)'],
  ];
  it.each(cases)('%s', (_name, chunk, expected) => {
    expect(emitComfyText(chunk)).toBe(expected);
  });
});

describe('ComfyUI fidelity: ComfyUI reads back A1111 weights', () => {
  const charWeights = (pairs: Array<[string, number]>) =>
    pairs.flatMap(([text, weight]) => [...text].filter((c) => !/\s/.test(c)).map((c): [string, number] => [c, weight]));
  function check(chunk: IrChunk) {
    const expected = charWeights(chunk.map((span) => [span.text, span.weight]));
    const actual = charWeights(comfyTokenWeights(emitComfyText(chunk)));
    expect(actual.map(([c]) => c).join('')).toBe(expected.map(([c]) => c).join(''));
    actual.forEach(([, weight], i) => expect(Math.abs(weight - expected[i]![1])).toBeLessThanOrEqual(1e-4));
  }
  it('on nested and escaped fixtures', () => {
    check([{ text: 'masterpiece, ', weight: 1 }, { text: 'red (hat)', weight: 1.65 }, { text: ', ', weight: 1 }, { text: 'blue', weight: 0.8264 }]);
    check([{ text: '\\(', weight: 1.1 }, { text: ')\\', weight: 1 }, { text: ':2', weight: 1.3 }]);
  });
  it('on generated spans', () => {
    const span = fc.record({
      text: fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', ':', '(', ')', '\\', '[', ']', '1', '.'), minLength: 1, maxLength: 8 }),
      weight: fc.double({ min: 0, max: 3, noNaN: true }),
    });
    fc.assert(fc.property(fc.array(span, { minLength: 1, maxLength: 6 }), (chunk) => check(chunk)), { numRuns: 500 });
  });
});

describe('ComfyUI graph', () => {
  it('is a valid graph of core nodes for a plain prompt, with deterministic ids', () => {
    const model = promptModel({ text: 'a cat' }, { text: 'blurry' }, { checkpoint: 'sd15.safetensors', seed: 7 });
    const first = toComfyGraph(lowerPromptModel(model, 0));
    const second = toComfyGraph(lowerPromptModel(model, 0));
    expect(JSON.stringify(first.payload)).toBe(JSON.stringify(second.payload));
    const result = validateComfyGraph(first.payload.prompt, objectInfo);
    expect(result).toMatchObject({ ok: true, node_errors: {} });
    const sampler = nodesOf(first.payload.prompt, 'KSampler')[0]!;
    expect(sampler.inputs).toMatchObject({ seed: 7, steps: 20, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1 });
    expect(first.notes).toEqual([]);
  });

  it('chains LoRAs with strength_model = unet, strength_clip = te, and clip skip', () => {
    const model = promptModel(
      { text: 'a house <lora:JL_sectionplan:0.6:0.3> <lora:ink:1>', segments: [['a house  ', 1]], loras: [{ name: 'JL_sectionplan', te: 0.6, unet: 0.3 }, { name: 'ink', te: 1, unet: 1 }] },
      undefined,
      { checkpoint: 'sd15.safetensors', clipSkip: 2 },
    );
    const ir = lowerPromptModel(model, 0, { resolveLora: (name) => (name === 'ink' ? { file: 'style/ink.safetensors' } : undefined) });
    const { payload } = toComfyGraph(ir);
    const loras = nodesOf(payload.prompt, 'LoraLoader');
    expect(loras.map((node) => [node.inputs.lora_name, node.inputs.strength_model, node.inputs.strength_clip])).toEqual([
      ['JL_sectionplan.safetensors', 0.3, 0.6],
      ['style/ink.safetensors', 1, 1],
    ]);
    expect(nodesOf(payload.prompt, 'CLIPSetLastLayer')[0]!.inputs.stop_at_clip_layer).toBe(-2);
    expect(nodesOf(payload.prompt, 'CLIPTextEncode')[0]!.inputs.text).toBe('a house  ');
    expect(validateComfyGraph(payload.prompt, objectInfo).ok).toBe(true);
  });

  it('lowers BREAK to ConditioningConcat, schedules to timestep ranges, AND to Combine with a warning', () => {
    const model = promptModel({
      text: 'a cat BREAK [dog:fox:5] AND sky :0.5',
      parts: [
        {
          weight: 1,
          steps: [
            { step: 5, segments: [['a cat', 1], ['BREAK', -1], ['dog', 1]] },
            { step: 20, segments: [['a cat', 1], ['BREAK', -1], ['fox', 1]] },
          ],
        },
        { weight: 0.5, steps: [{ step: 20, segments: [['sky', 1]] }] },
      ],
    });
    const { payload, notes } = toComfyGraph(lowerPromptModel(model, 0));
    const graph = payload.prompt;
    expect(nodesOf(graph, 'ConditioningConcat')).toHaveLength(2);
    expect(nodesOf(graph, 'ConditioningSetTimestepRange').map((node) => [node.inputs.start, node.inputs.end])).toEqual([
      [0, 0.25],
      [0.25, 1],
    ]);
    expect(nodesOf(graph, 'ConditioningSetAreaStrength').map((node) => node.inputs.strength)).toEqual([1, 0.5]);
    // A1111 adds the parts, ComfyUI averages them by strength: CFG × Σw restores the sum.
    expect(nodesOf(graph, 'KSampler')[0]!.inputs.cfg).toBe(7 * 1.5);
    expect(notes.map((note) => note.code).sort()).toEqual(['engine/and-semantics', 'engine/no-checkpoint', 'engine/schedule-approximate']);
    expect(notes.find((note) => note.code === 'engine/and-semantics')!.source.start).toBe(0);
    expect(validateComfyGraph(graph, objectInfo).ok).toBe(true);
  });

  it('builds img2img, inpaint, ControlNet and hires graphs that validate', () => {
    const base = { checkpoint: 'sd15.safetensors' };
    const controlnet = [{ model: 'control_canny.safetensors', image: 'edges.png', weight: 0.8, guidanceStart: 0, guidanceEnd: 0.5, range: { start: { offset: 0, line: 0, column: 0 }, end: { offset: 1, line: 0, column: 1 } } }];
    const init = { image: 'photos/in.png', mask: 'mask.png', denoise: 0.6, range: { start: { offset: 0, line: 0, column: 0 }, end: { offset: 1, line: 0, column: 1 } } };
    const withImages = withFileLists(JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/data/comfyui/object_info.core.json'), 'utf8')), {
      checkpoints: ['sd15.safetensors'],
      controlnet: ['control_canny.safetensors'],
    });
    const inpaint = toComfyGraph(lowerPromptModel(promptModel({ text: 'x' }, undefined, { ...base, init, controlnet }), 0)).payload.prompt;
    expect(classes(inpaint)).toEqual(expect.arrayContaining(['InpaintModelConditioning', 'LoadImageMask', 'ControlNetApplyAdvanced', 'ControlNetLoader']));
    expect(nodesOf(inpaint, 'KSampler')[0]!.inputs.denoise).toBe(0.6);
    expect(nodesOf(inpaint, 'LoadImage').map((node) => node.inputs.image)).toEqual(['edges.png', 'in.png']);
    expect(validateComfyGraph(inpaint, withImages).ok).toBe(true);
    const hires = toComfyGraph(lowerPromptModel(promptModel({ text: 'x' }, undefined, { ...base, hires: { scale: 1.5, denoise: 0.4, upscaler: 'R-ESRGAN 4x+' } }), 0));
    expect(nodesOf(hires.payload.prompt, 'KSampler')).toHaveLength(2);
    expect(nodesOf(hires.payload.prompt, 'LatentUpscale')[0]!.inputs).toMatchObject({ width: 768, height: 768 });
    expect(hires.notes.map((n) => n.code)).toEqual(['engine/hires-upscaler']);
    expect(validateComfyGraph(hires.payload.prompt, withImages).ok).toBe(true);
  });

  it('a single weighted part (`a cat :1.5`) scales CFG', () => {
    const model = promptModel({ text: 'a cat :1.5', parts: [{ weight: 1.5, steps: [{ step: 20, segments: [['a cat', 1]] }] }] }, undefined, { checkpoint: 'sd15.safetensors', cfg: 6 });
    const { payload, notes } = toComfyGraph(lowerPromptModel(model, 0));
    expect(nodesOf(payload.prompt, 'KSampler')[0]!.inputs.cfg).toBe(9);
    expect(nodesOf(payload.prompt, 'ConditioningSetAreaStrength')).toHaveLength(0);
    expect(notes.map((n) => [n.code, n.severity])).toEqual([['engine/and-weight', 'info']]);
  });

  it('maps A1111 samplers and schedulers', () => {
    const cases: Array<[string | undefined, string | undefined, string, string]> = [
      ['DPM++ 2M Karras', undefined, 'dpmpp_2m', 'karras'],
      ['DPM++ 2M', undefined, 'dpmpp_2m', 'karras'],
      ['DPM++ 2M SDE', 'Automatic', 'dpmpp_2m_sde', 'exponential'],
      ['Euler a', 'SGM Uniform', 'euler_ancestral', 'sgm_uniform'],
      ['DDIM', undefined, 'ddim', 'ddim_uniform'],
    ];
    for (const [sampler, scheduler, name, schedule] of cases) {
      const ir = lowerPromptModel(promptModel({ text: 'x' }, undefined, { checkpoint: 'sd15.safetensors', ...(sampler ? { sampler } : {}), ...(scheduler ? { scheduler } : {}) }), 0);
      const node = nodesOf(toComfyGraph(ir).payload.prompt, 'KSampler')[0]!;
      expect([node.inputs.sampler_name, node.inputs.scheduler]).toEqual([name, schedule]);
    }
    const plms = compileIr(lowerPromptModel(promptModel({ text: 'x' }, undefined, { sampler: 'PLMS' }), 0), 'comfyui');
    expect(plms.notes.map((n) => n.code)).toContain('engine/sampler');
  });
});

describe('ComfyUI embeddings', () => {
  it('writes embedding:NAME for bare embedding names A1111 would match', () => {
    const model = promptModel({ text: 'a cat, EasyNegative,(badhands:1.2) easynegativex', segments: [['a cat, EasyNegative,', 1], ['badhands', 1.2], [' easynegativex', 1]] });
    const ir = lowerPromptModel(model, 0, { resolveEmbedding: (word) => ({ easynegative: 'EasyNegative', badhands: 'hands/badhands' })[word.toLowerCase()] });
    expect(ir.embeddings).toEqual([
      { name: 'EasyNegative', comfyName: 'EasyNegative' },
      { name: 'badhands', comfyName: 'hands/badhands' },
    ]);
    const text = nodesOf(toComfyGraph(ir).payload.prompt, 'CLIPTextEncode')[0]!.inputs.text;
    expect(text).toBe('a cat, embedding:EasyNegative,(embedding:hands/badhands:1.2) easynegativex');
    expect(comfyTokenWeights(text as string)).toEqual([
      ['a cat, embedding:EasyNegative,', 1],
      ['embedding:hands/badhands', 1.2],
      [' easynegativex', 1],
    ]);
  });
});
