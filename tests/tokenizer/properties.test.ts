/** Properties over arbitrary text: no crash, offsets inside the text, ids identical with or without offsets. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BytePairEncoder } from '../../src/tokenizer/bpe.js';
import { FRONT_ENDS, TokenEstimate, chunkComfy, COMMA_TOKEN } from '../../src/tokenizer/index.js';
import { sharedTokenizer, sharedVocabulary } from './shared.js';

const tokenizer = sharedTokenizer();
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.constantFrom('a', 'cat', ',', ' ', '(', ')', ':1.2', '&amp;', 'Ã©', '猫', '👍🏽', '\u200d', 'BREAK', '\n', 'ﬁ'), { maxLength: 30 }).map((parts) => parts.join('')),
);

describe('tokenizer properties', () => {
  it('gives ids in range, the same with offsets, and spans inside the text, for every front-end', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...FRONT_ENDS), (input, frontEnd) => {
        const ids = tokenizer.encode(input, frontEnd);
        const encoded = tokenizer.encodeWithOffsets(input, undefined, frontEnd);
        expect(encoded.ids).toEqual(ids);
        for (const id of ids) expect(id >= 0 && id < 49_408).toBe(true);
        encoded.starts.forEach((start, i) => {
          expect(start).toBeGreaterThanOrEqual(0);
          expect(encoded.ends[i]!).toBeGreaterThan(start);
          expect(encoded.ends[i]!).toBeLessThanOrEqual(input.length);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws in ComfyUI chunking, and every chunk holds at most 75 tokens', () => {
    const source = { approximate: false, encodeWithOffsets: (t: string, o?: readonly number[]) => tokenizer.encodeWithOffsets(t, o, 'comfyui') };
    fc.assert(
      fc.property(text, (input) => {
        const result = chunkComfy(input, source);
        for (const chunk of result.chunks) expect(chunk.tokens.length).toBeLessThanOrEqual(75);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the piece cache bounded and its answers unchanged', () => {
    const encoder = new BytePairEncoder(sharedVocabulary(), 64);
    const first = new Map<string, readonly number[]>();
    for (let i = 0; i < 500; i++) {
      const piece = `word${String.fromCharCode(97 + (i % 26))}${i}`.replace(/\d/g, 'x');
      const ids = encoder.encodePiece(piece);
      if (first.has(piece)) expect(ids).toEqual(first.get(piece));
      else first.set(piece, [...ids]);
      expect(encoder.cachedPieces).toBeLessThanOrEqual(64);
    }
  });
});

describe('piece cache', () => {
  it('evicts the least recently used pieces', () => {
    const encoder = new BytePairEncoder(sharedVocabulary(), 10);
    const pieces = 'abcdefghij'.split('').map((c) => `${c}${c}x`);
    for (const piece of pieces) encoder.encodePiece(piece);
    encoder.encodePiece(pieces[0]!); // "aax" is now the most recently used
    encoder.encodePiece('kkx');
    expect(encoder.cachedPieces).toBe(10);
    expect(encoder.isCached('aax')).toBe(true);
    expect(encoder.isCached('bbx')).toBe(false);
    expect(encoder.isCached('kkx')).toBe(true);
  });
});

describe('token spans', () => {
  const spans = (text: string) => {
    const encoded = tokenizer.encodeWithOffsets(text, undefined, 'a1111');
    return encoded.ids.map((_, i) => text.slice(encoded.starts[i], encoded.ends[i]));
  };

  it('gives each token the characters its bytes came from', () => {
    expect(spans('naïve résumé')).toEqual(['na', 'ï', 've', 'ré', 'sum', 'é']);
    expect(spans('👍🏽👍')).toEqual(['👍', '🏽', '👍']);
    // A token that ends inside a character shares that character with the next token.
    expect(spans('한국어')).toEqual(['한', '한', '국', '국', '어', '어']);
    expect(spans('  Red   HAIR, x')).toEqual(['Red', 'HAIR', ',', 'x']);
  });
});

describe('estimate without a vocabulary', () => {
  it('marks itself approximate and keeps commas as the comma token', () => {
    const estimate = new TokenEstimate();
    expect(estimate.approximate).toBe(true);
    const ids = estimate.encode('masterpiece, best quality');
    expect(ids).toContain(COMMA_TOKEN);
    expect(ids.length).toBeGreaterThanOrEqual(4);
  });
});
