import { describe, expect, it } from 'vitest';
import { analyze, parse, type A1111Conditioning, type AnalyzeOptions, type Range, type ScheduleOptions } from '../../src/index.js';

const slice = (text: string, range: Range) => text.slice(range.start.offset, range.end.offset);

function model(text: string, options: AnalyzeOptions = {}) {
  return analyze(parse(text).ast, options);
}

/** A stand-in for the A1111 model that records what analyze() asked for. */
function recordingConditioner() {
  const calls: Array<{ text: string; options: ScheduleOptions }> = [];
  const condition = (text: string, options: ScheduleOptions): A1111Conditioning => {
    calls.push({ text, options });
    return { networks: [], subprompts: [], ambiguities: [], scheduleFallback: false };
  };
  return { calls, condition };
}

describe('parameters', () => {
  it('defaults to A1111 v1.10 txt2img defaults', () => {
    const { prompts, diagnostics } = model('a house');
    expect(diagnostics).toEqual([]);
    expect(prompts[0]!.parameters).toEqual({
      sampler: 'DPM++ 2M',
      scheduler: 'Automatic',
      steps: 20,
      cfg: 7,
      seed: -1,
      width: 512,
      height: 512,
      clipSkip: 1,
      batchSize: 1,
      batchCount: 1,
      controlnet: [],
      extra: {},
    });
  });

  it('merges defaults < includes < file-level blocks < prompt blocks', () => {
    const files: Record<string, string> = { 'base.sdprompt': '@params\nsteps: 25\ncfg: 5\nseed: 9\n' };
    const text = '@include "base.sdprompt"\n@params\nsteps: 30\n@prompt a\nx\n@params\nsteps: 40\n@prompt b\ny\n';
    const { prompts, diagnostics } = model(text, { path: 'main.sdprompt', readFile: (path) => files[path] });
    expect(diagnostics).toEqual([]);
    expect(prompts.map((prompt) => [prompt.name, prompt.parameters.steps, prompt.parameters.cfg, prompt.parameters.seed])).toEqual([
      ['a', 40, 5, 9],
      ['b', 30, 5, 9],
    ]);
  });

  it('splits a v1.8 combined sampler label into sampler and schedule type', () => {
    const { prompts, diagnostics } = model('@params\nsampler: DPM++ 2M Karras\n@prompt\nx');
    expect(diagnostics).toEqual([]);
    expect(prompts[0]!.parameters).toMatchObject({ sampler: 'DPM++ 2M', scheduler: 'Karras' });
  });

  it('reads size, clip skip, batch, engine, checkpoint and denoise', () => {
    const text = '@params\nengine: comfyui\ncheckpoint: sd_xl_base_1.0\nsize: 832x1216\nclip skip: 2\nbatch_size: 4\nbatch-count: 2\ndenoise: 0.4\n@prompt\nx';
    const { prompts, diagnostics } = model(text);
    expect(diagnostics).toEqual([]);
    expect(prompts[0]!.parameters).toMatchObject({
      engine: 'comfyui',
      checkpoint: 'sd_xl_base_1.0',
      width: 832,
      height: 1216,
      clipSkip: 2,
      batchSize: 4,
      batchCount: 2,
      denoise: 0.4,
    });
  });

  it.each([
    ['steps: 0', 'params/out-of-range', 'error', '0'],
    ['steps: 1.5', 'params/not-an-integer', 'error', '1.5'],
    ['steps: 200', 'params/unusual-value', 'warning', '200'],
    ['cfg: high', 'params/not-a-number', 'error', 'high'],
    ['seed: -2', 'params/out-of-range', 'error', '-2'],
    ['size: 512', 'params/bad-size', 'error', '512'],
    ['size: 513x512', 'params/size-not-multiple-of-8', 'warning', '513x512'],
    ['clip-skip: 13', 'params/out-of-range', 'error', '13'],
    ['sampler: Eulr a', 'params/unknown-value', 'warning', 'Eulr a'],
    ['scheduler: Karas', 'params/unknown-value', 'warning', 'Karas'],
    ['engine: comfy', 'params/unknown-value', 'error', 'comfy'],
    ['steps:', 'params/missing-value', 'error', 'steps:'],
    ['stepz: 3', 'params/unknown-key', 'warning', 'stepz'],
  ])('%s → %s at the value', (line, code, severity, target) => {
    const text = `@params\n${line}\n@prompt\nx`;
    const { diagnostics } = model(text);
    expect(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.severity])).toEqual([[code, severity]]);
    expect(slice(text, diagnostics[0]!.range)).toBe(target);
  });

  it('suggests the closest known name', () => {
    const text = '@params\nsampler: Eulr a\nstepz: 3\n@prompt\nx';
    const { diagnostics } = model(text);
    expect(diagnostics[0]!.suggestions?.[0]?.edits[0]?.newText).toBe('Euler a');
    expect(diagnostics[1]!.suggestions?.[0]?.edits[0]?.newText).toBe('steps');
  });

  it('reports a block’s problems once, however many prompts use it', () => {
    const { diagnostics } = model('@params\nsteps: x\n@prompt a\n1\n@prompt b\n2\n@prompt c\n3\n');
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['params/not-an-integer']);
  });

  it('understands infotext keys and passes unknown ones through silently', () => {
    const text = 'a house\nNegative prompt: bad\nSteps: 28, Sampler: Euler a, CFG scale: 5.5, Seed: 42, Size: 768x512, Model: dreamshaper_8, Clip skip: 2, Lora hashes: "x: 1", ADetailer model: face_yolov8n.pt';
    const { prompts, diagnostics } = model(text);
    expect(diagnostics).toEqual([]);
    expect(prompts[0]!.parameters).toMatchObject({
      steps: 28,
      sampler: 'Euler a',
      cfg: 5.5,
      seed: 42,
      width: 768,
      height: 512,
      checkpoint: 'dreamshaper_8',
      clipSkip: 2,
      extra: { 'Lora hashes': 'x: 1', 'ADetailer model': 'face_yolov8n.pt' },
    });
    expect(prompts[0]!.negative?.text).toBe('bad');
  });
});

describe('ControlNet, img2img/inpaint and hires blocks', () => {
  it('reads a ControlNet unit and an inpaint job', () => {
    const text = [
      '@controlnet',
      'model: control_v11p_sd15_lineart',
      'module: lineart_realistic',
      'image: sketches/house.png',
      'weight: 0.8',
      'guidance-end: 0.7',
      'control mode: Balanced',
      '@inpaint',
      'image: renders/house.png',
      'mask: renders/house-windows-mask.png',
      'denoise: 0.55',
      'inpainting-fill: original',
      'inpaint-full-res: true',
      '@prompt',
      'x',
    ].join('\n');
    const { prompts, diagnostics } = model(text);
    expect(diagnostics).toEqual([]);
    expect(prompts[0]!.parameters.controlnet).toHaveLength(1);
    expect(prompts[0]!.parameters.controlnet[0]).toMatchObject({
      model: 'control_v11p_sd15_lineart',
      module: 'lineart_realistic',
      image: 'sketches/house.png',
      weight: 0.8,
      guidanceStart: 0,
      guidanceEnd: 0.7,
      controlMode: 'Balanced',
    });
    expect(prompts[0]!.parameters.init).toMatchObject({
      image: 'renders/house.png',
      mask: 'renders/house-windows-mask.png',
      denoise: 0.55,
      maskBlur: 4,
      inpaintingFill: 'original',
      inpaintFullRes: true,
    });
  });

  it.each([
    ['@controlnet\nimage: a.png\n', 'params/missing-key'],
    ['@inpaint\nimage: a.png\n', 'params/missing-key'],
    ['@controlnet\nmodel: m\nguidance-start: 0.8\nguidance-end: 0.2\n', 'params/guidance-order'],
    ['@controlnet\nmodel: m\ncontrol-mode: balance\n', 'params/unknown-value'],
    ['@img2img\nimage: a.png\nmask: m.png\n', 'params/mask-in-img2img'],
    ['@hires\nscale: 0.5\n', 'params/out-of-range'],
    ['@hires\nfoo: 1\n', 'params/unknown-key'],
  ])('%j → %s', (text, code) => {
    expect(model(`${text}@prompt\nx`).diagnostics.map((diagnostic) => diagnostic.code)).toEqual([code]);
  });

  it('conditions the first pass without hires steps and the hires pass with them (processing.py)', () => {
    const recorder = recordingConditioner();
    const text = '@params\nsteps: 30\n@prompt a\nx\n@hires\nsteps: 0\n@prompt b\ny\n@hires\nsteps: 12\n@prompt c\nz';
    const { prompts } = model(text, { condition: recorder.condition });
    // The model runs when `a1111` is first read, once.
    expect(recorder.calls).toEqual([]);
    for (let round = 0; round < 2; round++) {
      for (const prompt of prompts) void [prompt.positive.a1111, prompt.positive.a1111Hires];
    }
    expect(recorder.calls.map((call) => [call.text, call.options.steps, call.options.hiresSteps])).toEqual([
      ['x', 30, null],
      ['x', 30, 30],
      ['y', 30, null],
      ['y', 30, 12],
      ['z', 30, null],
    ]);
    expect(prompts[2]!.positive.a1111Hires).toBeUndefined();
  });

  it.each([
    ['Euler a', 20, null],
    ['Heun', 40, null],
    ['DPM2 a Karras', 40, null],
    ['DPM++ SDE', 40, 24],
    ['my extension sampler', 20, null],
  ])('schedules %s over denoiser calls (second-order samplers double the steps)', (sampler, steps, hires) => {
    const recorder = recordingConditioner();
    const hiresBlock = hires === null ? '' : '@hires\nsteps: 12\n';
    const { prompts } = model(`@params\nsteps: 20\nsampler: ${sampler}\n${hiresBlock}@prompt\nx`, { condition: recorder.condition });
    void prompts[0]!.positive.a1111;
    void prompts[0]!.positive.a1111Hires;
    expect(recorder.calls.map((call) => [call.options.steps, call.options.hiresSteps])).toEqual(
      hires === null ? [[steps, null]] : [[steps, null], [steps, hires]],
    );
  });
});

describe('includes', () => {
  it('reports a missing file at the path', () => {
    const text = '@include "missing.sdprompt"\n@prompt\nx';
    const { diagnostics } = model(text, { path: '/p/main.sdprompt', readFile: () => undefined });
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['include/not-found']);
    expect(slice(text, diagnostics[0]!.range)).toBe('"missing.sdprompt"');
    expect(diagnostics[0]!.message).toContain('/p/missing.sdprompt');
  });

  it('reports a cycle once and stops', () => {
    const files: Record<string, string> = {
      '/p/a.sdprompt': '@include "b.sdprompt"\n@fragment fa\nfrom a\n',
      '/p/b.sdprompt': '@include "a.sdprompt"\n@fragment fb\nfrom b\n',
    };
    const reads: string[] = [];
    const readFile = (path: string) => {
      reads.push(path);
      return files[path];
    };
    const { diagnostics, prompts } = analyze(parse(files['/p/a.sdprompt']! + '@prompt\n${fa} ${fb}').ast, { path: '/p/a.sdprompt', readFile });
    expect(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.file])).toEqual([['include/cycle', '/p/b.sdprompt']]);
    expect(reads).toEqual(['/p/b.sdprompt']);
    expect(prompts[0]!.positive.text).toBe('from a from b');
  });

  it('reports syntax errors of an included file with its path', () => {
    const { diagnostics } = model('@include "x.sdprompt"\n@prompt\ny', { readFile: () => '@promt\n' });
    expect(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.file])).toEqual([['syntax/unknown-directive', 'x.sdprompt']]);
  });

  it('a readFile that throws is reported, not thrown', () => {
    const { diagnostics } = model('@include "x"\n@prompt\ny', {
      readFile: () => {
        throw new Error('EACCES');
      },
    });
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['include/unreadable']);
  });
});

describe('fragments', () => {
  const text = '@fragment style\nsection plan, <lora:JL_sectionplan:0.8>\n@fragment wrapped\n(${style}:1.1)\n@prompt\na house, ${wrapped}, <lora:archi_sketch:0.6>';

  it('expands references, nested ones too', () => {
    const { prompts, diagnostics } = model(text);
    expect(diagnostics).toEqual([]);
    expect(prompts[0]!.positive.text).toBe('a house, (section plan, <lora:JL_sectionplan:0.8>:1.1), <lora:archi_sketch:0.6>');
  });

  it('maps expanded characters to the fragment definition', () => {
    const positive = model(text).prompts[0]!.positive;
    const at = positive.text.indexOf('section plan');
    expect(positive.sourceMap[at]).toBe(text.indexOf('section plan'));
    const paren = positive.text.indexOf('(');
    expect(positive.sourceMap[paren]).toBe(text.indexOf('(${style}'));
    expect(positive.sourceMap).toHaveLength(positive.text.length + 1);
  });

  it('gives LoRA uses document ranges, inside fragments too', () => {
    const { loras } = model(text).prompts[0]!.positive;
    expect(loras.map((use) => [use.name, use.te, use.unet, slice(text, use.range)])).toEqual([
      ['JL_sectionplan', 0.8, 0.8, '<lora:JL_sectionplan:0.8>'],
      ['archi_sketch', 0.6, 0.6, '<lora:archi_sketch:0.6>'],
    ]);
  });

  it('maps text of an included fragment to the reference', () => {
    const main = '@include "shared.sdprompt"\n@prompt\nx ${neg}';
    const positive = model(main, { readFile: () => '@fragment neg\nbad <lora:q:1>\n' }).prompts[0]!.positive;
    expect(positive.text).toBe('x bad <lora:q:1>');
    expect(new Set(positive.sourceMap.slice(2, -1))).toEqual(new Set([main.indexOf('${neg}')]));
    expect(positive.loras[0]!.range.start.offset).toBe(main.indexOf('${neg}'));
  });

  it('reports unknown names with a suggestion and leaves the reference', () => {
    const source = '@fragment style\nx\n@prompt\na ${styel}';
    const { prompts, diagnostics } = model(source);
    expect(prompts[0]!.positive.text).toBe('a ${styel}');
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['fragment/unknown']);
    expect(slice(source, diagnostics[0]!.range)).toBe('styel');
    expect(diagnostics[0]!.suggestions?.[0]?.edits[0]?.newText).toBe('style');
  });

  it('reports cycles', () => {
    const { diagnostics, prompts } = model('@fragment a\n1 ${b}\n@fragment b\n2 ${a}\n@prompt\n${a}');
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['fragment/cycle']);
    expect(prompts[0]!.positive.text).toBe('1 2 ${a}');
  });
});

describe('negative prompts and the A1111 model', () => {
  it('uses the file-level negative for prompts without their own', () => {
    const { prompts } = model('@negative\nbad quality\n@prompt a\nx\n@prompt b\ny\n@negative\nblurry');
    expect(prompts.map((prompt) => prompt.negative?.text)).toEqual(['bad quality', 'blurry']);
  });

  it('runs prompt text through A1111: \\# reads as #', () => {
    const { prompts } = model('@prompt\n\\# one, \\@ two');
    const schedule = prompts[0]!.positive.a1111.subprompts[0]!.schedules[0]!;
    expect(schedule.attention.map((segment) => [segment.text, segment.weight])).toEqual([['# one, @ two', 1]]);
  });
});
