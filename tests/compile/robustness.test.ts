/** Any text, however broken, compiles for every target without throwing (errors are diagnostics). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compile/source.js';
import { TARGET_NAMES } from '../../src/compile/target.js';

const piece = fc.constantFrom(
  '@prompt a\n', '@negative\n', '@params\n', 'steps: 0\n', 'cfg: x\n', 'size: 0x0\n', 'seed: -5\n', 'clip-skip: 30\n', '@img2img\nimage: a.png\ndenoise: 2\n',
  '@controlnet\nmodel: m\n', '@hires\nscale: 0\n', '(', ')', '[', ']', ':', '|', '\\', 'AND', ' AND ', 'BREAK', ' BREAK ', '<lora:', '<lora:x:', '<lora:x:1.2:0.3>', '<lyco:y>',
  '<hypernet:h:1>', '>', ':1.5)', '[a:b:0.5]', '[a|b]', '${f}', '@fragment f\n', 'cat', ' ', '\n', '# c\n', '1..2', 'Steps: 20, Sampler: Euler a, CFG scale: 7\n', 'Negative prompt: x\n', '😀', '\u0000',
);

describe('compile robustness', () => {
  it('never throws on generated files', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), fc.constantFrom(...TARGET_NAMES), (pieces, target) => {
        const result = compileSource(pieces.join(''), { target, randomSeed: () => 1 });
        expect(Array.isArray(result.prompts)).toBe(true);
        for (const prompt of result.prompts) JSON.stringify(prompt.payload);
      }),
      { numRuns: 1500 },
    );
  });
});
