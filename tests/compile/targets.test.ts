import { describe, expect, it } from 'vitest';
import { compileFile } from '../../src/compile/compile.js';
import { lowerPromptModel } from '../../src/compile/lower.js';
import { toA1111Request } from '../../src/engines/a1111.js';
import { toCompel } from '../../src/engines/compel.js';
import { toSdcppBody, toSdcppCliArgs } from '../../src/engines/sdcpp.js';
import type { FileModel } from '../../src/semantics/model.js';
import { promptModel } from './model-builder.js';

const loraPrompt = () =>
  promptModel(
    { text: 'a house, <lyco:JL_sectionplan:0.6:0.3>', segments: [['a house, ', 1]], loras: [{ name: 'JL_sectionplan', te: 0.6, unet: 0.3, type: 'lyco' }] },
    { text: 'blurry' },
    { checkpoint: 'sd15', clipSkip: 2, sampler: 'DPM++ 2M', scheduler: 'Karras', vae: 'vae-ft-mse.safetensors' },
  );

describe('a1111 target', () => {
  it('builds a txt2img body with overrides, sampler and canonical LoRA tags per dialect', () => {
    const a1111 = toA1111Request(lowerPromptModel(loraPrompt(), 0), 'a1111');
    expect(a1111.payload.route).toBe('txt2img');
    expect(a1111.payload.body).toMatchObject({
      prompt: 'a house, <lyco:JL_sectionplan:0.6:0.3>',
      negative_prompt: 'blurry',
      sampler_name: 'DPM++ 2M',
      scheduler: 'Karras',
      override_settings: { sd_model_checkpoint: 'sd15', CLIP_stop_at_last_layers: 2, sd_vae: 'vae-ft-mse.safetensors' },
      override_settings_restore_afterwards: true,
    });
    expect(a1111.notes).toEqual([]);
    const forge = toA1111Request(lowerPromptModel(loraPrompt(), 0), 'forge');
    expect(forge.payload.body.prompt).toBe('a house, <lora:JL_sectionplan:0.6:0.3>');
    expect(forge.notes.map((n) => n.code)).toEqual(['engine/lyco-alias']);
    const sdnext = toA1111Request(lowerPromptModel(loraPrompt(), 0), 'sdnext');
    expect(sdnext.payload.body.prompt).toBe('a house, <lyco:JL_sectionplan:te=0.6:unet=0.3>');
  });

  it('builds an img2img inpaint body with ControlNet units', () => {
    const r = { start: { offset: 0, line: 0, column: 0 }, end: { offset: 1, line: 0, column: 1 } };
    const model = promptModel({ text: 'x' }, undefined, {
      init: { image: 'in.png', mask: 'm.png', denoise: 0.5, maskBlur: 4, inpaintingFill: 'latent noise', invertMask: true, range: r },
      controlnet: [{ model: 'control_v11p_sd15_canny [d14c016b]', module: 'canny', image: 'e.png', weight: 1, guidanceStart: 0, guidanceEnd: 1, range: r }],
    });
    const { payload } = toA1111Request(lowerPromptModel(model, 0));
    expect(payload.route).toBe('img2img');
    expect(payload.body).toMatchObject({ init_images: ['in.png'], mask: 'm.png', denoising_strength: 0.5, mask_blur: 4, inpainting_fill: 2, inpainting_mask_invert: 1 });
    expect(payload.body.alwayson_scripts!.controlnet.args[0]).toMatchObject({ enabled: true, module: 'canny', model: 'control_v11p_sd15_canny [d14c016b]', guidance_end: 1 });
  });
});

describe('sdcpp target', () => {
  it('moves LoRAs to the lora array and strips them from the text', () => {
    const { payload, notes } = toSdcppBody(lowerPromptModel(loraPrompt(), 0, { resolveLora: () => ({ file: 'arch/JL_sectionplan.safetensors' }) }));
    expect(payload.prompt).toBe('a house, ');
    expect(payload.lora).toEqual([{ path: 'arch/JL_sectionplan.safetensors', multiplier: 0.3, is_high_noise: false }]);
    expect(payload).toMatchObject({ sampler_name: 'dpm++2m', scheduler: 'karras', clip_skip: 2 });
    expect(notes.map((n) => n.code)).toEqual(['engine/lora-te-unet']);
    const cli = toSdcppCliArgs(lowerPromptModel(loraPrompt(), 0));
    expect(cli.payload.slice(0, 4)).toEqual(['-p', 'a house,  <lora:JL_sectionplan:0.3>', '-n', 'blurry']);
  });

  it('passes hires options as A1111 fields', () => {
    const { payload } = toSdcppBody(lowerPromptModel(promptModel({ text: 'x' }, undefined, { hires: { scale: 1.5, steps: 10 } }), 0));
    expect(payload).toMatchObject({ enable_hr: true, hr_scale: 1.5, hr_second_pass_steps: 10, hr_upscaler: 'Latent', denoising_strength: 0.7 });
  });

  it('re-emits weights flat and resolves schedules and AND with warnings', () => {
    const model = promptModel({
      text: '(a:1.1) [b:c:5] AND d',
      parts: [
        { weight: 1, steps: [{ step: 5, segments: [['a', 1.1], [' b', 1]] }, { step: 20, segments: [['a', 1.1], [' c', 1]] }] },
        { weight: 1, steps: [{ step: 20, segments: [['d', 1]] }] },
      ],
    });
    const { payload, notes } = toSdcppBody(lowerPromptModel(model, 0));
    expect(payload.prompt).toBe('(a:1.1) c');
    expect(notes.map((n) => n.code)).toEqual(['engine/and-unsupported', 'engine/schedule-unsupported']);
  });
});

describe('compel target', () => {
  it('writes (text)w spans, escapes and BREAK as .and()', () => {
    const model = promptModel({ text: 'a "b" (c) BREAK d', segments: [['a "b" ', 1], ['c', 1.1], ['BREAK', -1], [' d', 1]] });
    const { payload } = toCompel(lowerPromptModel(model, 0));
    expect(payload.prompt).toBe('("a \\"b\\" (c)1.1", " d").and()');
  });
});

describe('compileFile', () => {
  it('maps lossy steps to diagnostics with document ranges and names each prompt', () => {
    const model: FileModel = { file: { kind: 'file', form: 'structured', blocks: [], fragments: [], includes: [], prompts: [], comments: [], range: { start: { offset: 0, line: 0, column: 0 }, end: { offset: 0, line: 0, column: 0 } } }, prompts: [promptModel({ text: 'x AND y', parts: [{ weight: 1, steps: [{ step: 20, segments: [['x', 1]] }] }, { weight: 1, steps: [{ step: 20, segments: [['y', 1]] }] }] }, undefined, { checkpoint: 'a.safetensors' }, 'first')], diagnostics: [] };
    const [compiled] = compileFile(model, 'x AND y', { target: 'comfyui' });
    expect(compiled!.name).toBe('first');
    expect(compiled!.diagnostics).toEqual([
      expect.objectContaining({ code: 'engine/and-semantics', severity: 'warning', range: { start: { offset: 0, line: 0, column: 0 }, end: { offset: 1, line: 0, column: 1 } } }),
    ]);
  });
});
