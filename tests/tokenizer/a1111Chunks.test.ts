/**
 * A1111 tokenize_line rules (clip-tokenizer.md §2), with attention segments built by hand: "a" is one
 * token (320), "," is the comma token (267), "b" is 321 and "c" is 322 (vectors.json).
 */
import { describe, expect, it } from 'vitest';
import { chunkA1111, targetTokenCount, type A1111Chunking } from '../../src/tokenizer/index.js';
import type { AttentionSegment } from '../../src/semantics/model.js';
import { sharedTokenizer } from './shared.js';

const tokenizer = sharedTokenizer();
const A = 320;
const B = 321;
const C = 322;
const COMMA = 267;

function segment(text: string, weight = 1): AttentionSegment {
  return { text, weight, origins: Array.from({ length: text.length }, (_, i) => i) };
}

const BREAK: AttentionSegment = { text: 'BREAK', weight: -1, origins: [] };

function words(count: number, word = 'a'): string {
  return Array.from({ length: count }, () => word).join(' ');
}

function ids(chunking: A1111Chunking): number[][] {
  return chunking.chunks.map((chunk) => chunk.tokens.map((token) => token.id));
}

function repeat(id: number, count: number): number[] {
  return new Array<number>(count).fill(id);
}

describe('A1111 chunking', () => {
  it('counts an empty prompt as one empty chunk: 0/75', () => {
    const result = chunkA1111([segment('')], tokenizer);
    expect(ids(result)).toEqual([[]]);
    expect([result.tokenCount, result.target]).toEqual([0, 75]);
  });

  it('fills exactly 75 tokens into one chunk: 75/75', () => {
    const result = chunkA1111([segment(words(75))], tokenizer);
    expect(ids(result)).toEqual([repeat(A, 75)]);
    expect([result.tokenCount, result.target]).toEqual([75, 75]);
  });

  it('starts a second chunk at token 76: 76/150', () => {
    const result = chunkA1111([segment(words(76))], tokenizer);
    expect(ids(result)).toEqual([repeat(A, 75), [A]]);
    expect([result.tokenCount, result.target]).toEqual([76, 150]);
  });

  it('backtracks to a comma exactly 20 tokens before the boundary', () => {
    // 55 × a, then the comma at index 55, then 19 × a fill the chunk; "b" arrives on a full chunk.
    const result = chunkA1111([segment(`${words(55)}, ${words(19)} b`)], tokenizer);
    expect(ids(result)).toEqual([[...repeat(A, 55), COMMA], [...repeat(A, 19), B]]);
    // The short first chunk still counts 75.
    expect([result.tokenCount, result.target]).toEqual([95, 150]);
  });

  it('does not backtrack to a comma 21 tokens before the boundary', () => {
    const result = chunkA1111([segment(`${words(54)}, ${words(20)} b`)], tokenizer);
    expect(ids(result)).toEqual([[...repeat(A, 54), COMMA, ...repeat(A, 20)], [B]]);
    expect(result.tokenCount).toBe(76);
  });

  it('honours comma_padding_backtrack = 0 (off) and other values', () => {
    const text = `${words(55)}, ${words(19)} b`;
    expect(ids(chunkA1111([segment(text)], tokenizer, { commaPaddingBacktrack: 0 }))).toEqual([
      [...repeat(A, 55), COMMA, ...repeat(A, 19)],
      [B],
    ]);
    expect(ids(chunkA1111([segment(text)], tokenizer, { commaPaddingBacktrack: 19 }))[1]).toEqual([B]);
  });

  it('does not treat "),", a different token, as a comma', () => {
    const result = chunkA1111([segment(`${words(55)}), ${words(19)} b`)], tokenizer);
    expect(result.chunks[0]!.tokens[55]!.id).toBe(2361);
    expect(ids(result)[1]).toEqual([B]);
  });

  it('starts the next chunk with a comma that arrives on a full chunk, and forgets it', () => {
    const result = chunkA1111([segment(`${words(75)}, b`)], tokenizer);
    expect(ids(result)).toEqual([repeat(A, 75), [COMMA, B]]);
  });

  it('closes the chunk at BREAK, and a non-final short chunk counts 75: a BREAK b = 76/150', () => {
    const result = chunkA1111([segment('a'), BREAK, segment('b')], tokenizer);
    expect(ids(result)).toEqual([[A], [B]]);
    expect([result.tokenCount, result.target]).toEqual([76, 150]);
  });

  it('adds no empty chunk for a BREAK right at a full boundary', () => {
    const result = chunkA1111([segment(words(75)), BREAK, segment('b')], tokenizer);
    expect(ids(result)).toEqual([repeat(A, 75), [B]]);
    expect(result.tokenCount).toBe(76);
  });

  it('keeps empty chunks from a leading BREAK or BREAK BREAK', () => {
    expect(ids(chunkA1111([BREAK, segment('a')], tokenizer))).toEqual([[], [A]]);
    const twice = chunkA1111([segment('a'), BREAK, BREAK, segment('b')], tokenizer);
    expect(ids(twice)).toEqual([[A], [], [B]]);
    expect(twice.tokenCount).toBe(151);
    // A trailing BREAK leaves no final chunk: tokenize_line only closes a non-empty last chunk.
    const trailing = chunkA1111([segment('a'), BREAK], tokenizer);
    expect(ids(trailing)).toEqual([[A]]);
    expect([trailing.tokenCount, trailing.target]).toEqual([75, 75]);
  });

  it('carries an emphasis group across the boundary with its weight', () => {
    const result = chunkA1111([segment(words(74)), segment('b c c', 1.1)], tokenizer);
    expect(ids(result)).toEqual([[...repeat(A, 74), B], [C, C]]);
    expect(result.chunks[0]!.tokens[74]!.weight).toBe(1.1);
    expect(result.chunks[1]!.tokens.map((t) => t.weight)).toEqual([1.1, 1.1]);
  });

  it('tokenizes each segment separately, so BPE never merges across an emphasis boundary', () => {
    // "cat" is one token; split as "ca" + "t" it cannot merge.
    const whole = chunkA1111([segment('cat')], tokenizer);
    const split = chunkA1111([segment('ca'), segment('t', 1.1)], tokenizer);
    expect(ids(whole)[0]).toHaveLength(1);
    expect(ids(split)[0]!.length).toBeGreaterThan(1);
  });

  it('computes the target as ceil(max(n, 1) / 75) * 75', () => {
    expect([0, 1, 75, 76, 150, 151].map(targetTokenCount)).toEqual([75, 75, 75, 150, 150, 225]);
  });

  it('maps chunk tokens back to the prompt text through the segment origins', () => {
    // A segment whose text came from offsets 10.. of some prompt.
    const text = 'red hair, blue eyes';
    const origins = Array.from({ length: text.length }, (_, i) => i + 10);
    const result = chunkA1111([{ text, weight: 1, origins }], tokenizer);
    const spans = result.chunks[0]!.tokens.map((t) => text.slice(t.start - 10, t.end - 10));
    expect(spans).toEqual(['red', 'hair', ',', 'blue', 'eyes']);
  });
});
