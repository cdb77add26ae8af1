/**
 * The parameters line of an infotext is read with A1111's re_param. sdprompt matches it with a linear
 * scanner (the regex backtracks quadratically on long lines); on short lines the regex itself is the
 * reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reParamMatches } from '../../src/grammar/infotext.js';

// A1111 infotext_utils.py re_param, with Python's Unicode \w; JavaScript's \s equals Python's on the
// characters generated below.
const reParam = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;

function reference(line: string): Array<[string, string]> {
  return [...line.matchAll(reParam)].map((match) => [match[1]!, match[2]!]);
}

const pieces = ['Steps', 'Sampler', 'CFG scale', 'Size', ':', ': ', ',', ', ', ' ', '"', '\\', '\\"', 'a', 'é', '-', '/', '512x768',
  '"a: 1, b: 2"', 'Lora hashes', '7', '\t', '_', '1.5', '"x"y'];

describe('re_param', () => {
  it('finds what A1111’s regex finds', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 20 }), (parts) => {
        const line = parts.join('');
        expect(reParamMatches(line).map((match) => [match.key, match.value])).toEqual(reference(line));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a real A1111 v1.10 parameters line', () => {
    const line = 'Steps: 30, Sampler: DPM++ 3M SDE, Schedule type: Karras, CFG scale: 7, Seed: 901463836, Size: 832x1280, Model hash: 67ab2fd8ec, Model: ponyDiffusionV6XL_v6StartWithThisOne, RNG: CPU, Lora hashes: "kairunoborugu_PDXL: 39c88d8aa206", Version: v1.10.1-local-1-gc24c5309';
    expect(reParamMatches(line).map((match) => [match.key, match.value])).toEqual(reference(line));
    expect(reParamMatches(line)).toHaveLength(11);
  });

  it('needs keys of at least two characters, as \\w[\\w \\-/]+ does', () => {
    expect(reParamMatches('a: 1, bb: 2').map((match) => match.key)).toEqual(['bb']);
  });
});
