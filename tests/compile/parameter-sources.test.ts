/** Where the IR says each parameter was written: the value that set it, in this document. */
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compile/source.js';

const valueAt = (text: string, source: { start: number; end: number } | undefined) => (source ? text.slice(source.start, source.end) : undefined);

describe('IR parameterSources', () => {
  const cases: Array<[string, string, Record<string, string | undefined>]> = [
    [
      'file-level @params, aliases and size',
      '@params\nmodel: sd15\nsampler name: Euler a\nsize: 640x768\ncfg scale: 5\n\n@prompt p\na cat\n',
      { checkpoint: 'sd15', sampler: 'Euler a', width: '640x768', height: '640x768', cfg: '5', steps: undefined },
    ],
    [
      "a prompt's own value wins over the file's",
      '@params\nsteps: 20\ncheckpoint: a\n\n@prompt p\na cat\n@params\nsteps: 30\n',
      { steps: '30', checkpoint: 'a' },
    ],
    [
      'an infotext block',
      'a cat\nNegative prompt: blurry\nSteps: 12, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6, Seed: 9, Size: 512x640, Model: dreamshaper_8, Clip skip: 2\n',
      { steps: '12', sampler: 'DPM++ 2M', scheduler: 'Karras', cfg: '6', seed: '9', width: '512x640', checkpoint: 'dreamshaper_8', clipSkip: '2' },
    ],
    ['a value from an included file has none', '@include "base.sdprompt"\n\n@prompt p\na cat\n', { checkpoint: undefined }],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    const compiled = compileSource(text, { target: 'ir', path: '/virtual/plan.sdprompt', readFile: (p) => (p.endsWith('base.sdprompt') ? '@params\ncheckpoint: from_include\n' : undefined) });
    const ir = compiled.prompts[0]!.ir;
    const sources = ir.parameterSources ?? {};
    for (const [key, value] of Object.entries(expected)) expect(valueAt(text, sources[key as keyof typeof sources]), key).toBe(value);
    if (text.includes('@include')) expect(ir.parameters.checkpoint).toBe('from_include');
  });
});
