import { describe, expect, it } from 'vitest';
import { FRONT_ENDS, type FrontEnd } from '../../src/tokenizer/index.js';
import { loadVectors, sharedTokenizer, type Vector } from './shared.js';

/** vectors.json README: which key holds each front-end's ids (falling back to `ids`, openai's). */
const expected: Record<FrontEnd, (vector: Vector) => number[]> = {
  a1111: (v) => v.ids_hf_ftfy ?? v.ids,
  comfyui: (v) => v.ids_hf_no_ftfy ?? v.ids,
  openai: (v) => v.ids,
};

const vectors = loadVectors();
const tokenizer = sharedTokenizer();

describe('vectors.json', () => {
  it('has the 51 cases', () => {
    expect(vectors).toHaveLength(51);
  });

  for (const frontEnd of FRONT_ENDS) {
    describe(frontEnd, () => {
      it.each(vectors.map((v) => [v.note ?? v.text, v] as const))('%s', (_name, vector) => {
        expect(tokenizer.encode(vector.text, frontEnd)).toEqual(expected[frontEnd](vector));
      });
    });
  }

  it('gives the same ids with offsets as without', () => {
    for (const frontEnd of FRONT_ENDS) {
      for (const vector of vectors) {
        expect(tokenizer.encodeWithOffsets(vector.text, undefined, frontEnd).ids).toEqual(tokenizer.encode(vector.text, frontEnd));
      }
    }
  });
});
