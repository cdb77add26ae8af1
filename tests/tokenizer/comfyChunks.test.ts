/** ComfyUI sd1_clip.py tokenize_with_weights rules (clip-tokenizer.md §2). "a" = 320, "b" = 321. */
import { describe, expect, it } from 'vitest';
import { chunkComfy, type ComfyChunking } from '../../src/tokenizer/index.js';
import { comfyTokenWeights } from '../../src/semantics/comfyui.js';
import { sharedTokenizer } from './shared.js';

const tokenizer = sharedTokenizer();
const source = {
  approximate: false,
  encodeWithOffsets: (text: string, origins?: readonly number[]) => tokenizer.encodeWithOffsets(text, origins, 'comfyui'),
};

function words(count: number, word = 'a'): string {
  return Array.from({ length: count }, () => word).join(' ');
}

function ids(chunking: ComfyChunking): number[][] {
  return chunking.chunks.map((chunk) => chunk.tokens.map((token) => token.id));
}

describe('ComfyUI chunking', () => {
  it('moves a group of 7 tokens that does not fit whole to the next chunk', () => {
    const result = chunkComfy(`${words(70)} (${words(7, 'b')}:1.1)`, source);
    expect(ids(result).map((c) => c.length)).toEqual([70, 7]);
    expect(result.chunks[1]!.tokens.every((t) => t.id === 321 && t.weight === 1.1)).toBe(true);
  });

  it('splits a group of 8 tokens at the boundary', () => {
    const result = chunkComfy(`${words(70)} (${words(8, 'b')}:1.1)`, source);
    expect(ids(result).map((c) => c.length)).toEqual([75, 3]);
    expect(ids(result)[0]!.slice(70)).toEqual([321, 321, 321, 321, 321]);
  });

  it('treats BREAK as text (token 2568) and does not backtrack to commas', () => {
    expect(ids(chunkComfy('a BREAK b', source))).toEqual([[320, 2568, 321]]);
    const commas = chunkComfy(`${words(55)}, ${words(25)}`, source);
    expect(ids(commas).map((c) => c.length)).toEqual([75, 6]);
  });

  it('tokenizes <lora:…> literally (core ComfyUI does not parse it)', () => {
    expect(ids(chunkComfy('<lora:add_detail:0.5>', source))).toEqual([[283, 2179, 320, 281, 3536, 318, 7657, 281, 271, 269, 276, 285]]);
  });

  it('makes each " embedding:" piece its own group', () => {
    // One segment of 72 tokens, then "embedding:x" (4 tokens: embedding, :, x... ) moves whole when it does not fit.
    const result = chunkComfy(`${words(72)} embedding:easynegative`, source);
    const lengths = ids(result).map((c) => c.length);
    expect(lengths[0]).toBe(72);
    expect(ids(result)[1]![0]).toBe(19703);
  });

  it('reports the counter in A1111 display convention', () => {
    const result = chunkComfy(`${words(70)} (${words(7, 'b')}:1.1)`, source);
    expect([result.tokenCount, result.target]).toEqual([82, 150]);
    const empty = chunkComfy('', source);
    expect([ids(empty), empty.tokenCount, empty.target]).toEqual([[[]], 0, 75]);
  });
});

describe('ComfyUI token_weights', () => {
  it.each([
    ['a cat', [['a cat', 1]]],
    ['(cat)', [['cat', 1.1]]],
    ['((cat))', [['cat', 1.1 * 1.1]]],
    ['(cat:1.3), dog', [['cat', 1.3], [', dog', 1]]],
    ['(a:b:0.5)', [['a:b', 0.5]]],
    ['(a: 1.2 )', [['a', 1.2]]],
    ['(a:x)', [['a:x', 1.1]]],
    ['(:1.5)', [[':1.5', 1.1]]],
    ['[cat]', [['[cat]', 1]]],
    ['\\(cat\\)', [['(cat)', 1]]],
    ['(a \\(b\\):1.2)', [['a (b)', 1.2]]],
    ['(open', [['(open', 1]]],
    ['a) (b)', [['a) (b)', 1]]],
    ['x (y (z:1.5) w) v', [['x ', 1], ['y ', 1.1], ['z', 1.5], [' w', 1.1], [' v', 1]]],
    ['(a:1_0)', [['a', 10]]],
  ])('%s', (text, expected) => {
    expect(comfyTokenWeights(text)).toEqual(expected);
  });
});
