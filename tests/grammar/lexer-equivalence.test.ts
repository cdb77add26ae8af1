/**
 * The parser reads tokens from scanPromptTokens (fast); the chevrotain lexer built from the same token
 * definitions is the reference. Both must give the same token stream on any input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPromptLexer, scanPromptTokens } from '../../src/grammar/prompt-lexer.js';

const pieces = ['(', ')', '[', ']', ':', '|', ',', '\\', '<', '>', '$', '{', '}', '_', '__', ' ', '\n', 'a', 'é', '😀', '1', '.', '-',
  ':1.2)', ': 1 )', ':1..2', 'AND', 'BREAK', 'xAND', 'ANDy', '<lora:', '<a:b>', 'te=1', '${x}', '__w__', '\\(', ':.5', ':1.'];

const soup = fc.oneof(
  fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

describe('scanPromptTokens', () => {
  const lexer = createPromptLexer();
  const simple = (tokens: Array<{ tokenType: { name: string }; image: string; startOffset: number }>) =>
    tokens.map((token) => `${token.tokenType.name}@${token.startOffset}:${token.image}`);

  it('gives the chevrotain lexer’s tokens', () => {
    fc.assert(
      fc.property(soup, (text) => {
        const reference = lexer.tokenize(text);
        expect(reference.errors).toEqual([]);
        expect(simple(scanPromptTokens(text))).toEqual(simple(reference.tokens));
      }),
      { numRuns: 3000 },
    );
  });

  it('covers the input exactly', () => {
    const text = 'a (b:1.2) [c:d:3] <lora:x:1> AND e :0.5';
    expect(scanPromptTokens(text).map((token) => token.image).join('')).toBe(text);
  });
});
