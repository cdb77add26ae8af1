/** The two small judgements the printer rests on: weight spelling and CLIP piece joining. */
import { describe, expect, it } from 'vitest';
import { canonicalWeight } from '../../src/format/numbers.js';
import { classOf, clipPieces, mayJoin } from '../../src/format/clip-pieces.js';

describe('canonicalWeight', () => {
  it.each([
    ['1.20', '1.2'],
    ['.5', '0.5'],
    ['+1.1', '1.1'],
    ['01', '1'],
    ['1.', '1'],
    ['1.0', '1'],
    ['-0.50', '-0.5'],
    ['0.1000000000000000055511151231257827', '0.1'],
    ['-0', '-0'],
    ['1..2', '1..2'],
    ['.', '.'],
    ['100000000000000000000000', '100000000000000000000000'],
    ['0.0000001', '0.0000001'],
  ])('%s → %s', (raw, expected) => {
    const value = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw) ? Number(raw) : Number.NaN;
    const printed = canonicalWeight(raw, value);
    expect(printed).toBe(expected);
    // Whatever is printed still matches A1111's weight pattern and reads as the same double.
    expect(printed).toMatch(/^[+-]?[.\d]+$/);
    if (!Number.isNaN(value)) expect(Object.is(Number(printed), value)).toBe(true);
  });
});

describe('mayJoin', () => {
  const pieces = (text: string) => clipPieces(text);
  // Ground truth from CLIP's own split: would removing the space change the pieces?
  it.each([
    ['a', 'b'],
    ['a', ','],
    [',', 'b'],
    [',', ','],
    ['.', ','],
    ["'", 's'],
    ["'", 'x'],
    ['s', "'"],
    ['1', '2'],
    ['a', '1'],
    ['1', ','],
    ['日', '本'],
    ['é', 'a'],
    ['😀', ','],
    ['😀', 'a'],
  ])('%j and %j', (left, right) => {
    const joined = JSON.stringify(pieces(left + right)) !== JSON.stringify(pieces(`${left} ${right}`));
    const [l, r] = [classOf(left), classOf(right)];
    // mayJoin may be cautious (true where CLIP would not join), never the reverse.
    if (joined) expect(mayJoin(l, r)).toBe(true);
    if (!mayJoin(l, r)) expect(joined).toBe(false);
  });

  it('is never false for unknown neighbours, nor true next to kept whitespace or an edge', () => {
    for (const side of ['L', 'N', 'P', 'Q'] as const) {
      expect(mayJoin(null, side)).toBe(true);
      expect(mayJoin(side, null)).toBe(true);
      expect(mayJoin('WS', side)).toBe(false);
      expect(mayJoin(side, 'EDGE')).toBe(false);
    }
  });

  it('treats characters ftfy deletes as unknown', () => {
    expect(classOf('\ufeff')).toBe(null);
    expect(classOf('\u0007')).toBe(null);
    expect(clipPieces('a\ufeffb')).toEqual(['ab']);
  });
});
