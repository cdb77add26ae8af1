import { describe, expect, it } from 'vitest';
import { parsePromptAttention } from '../../src/semantics/a1111/attention.js';

const pairs = (text: string) => parsePromptAttention(text).map((s) => [s.text, s.weight]);

// Every parse_prompt_attention doctest of A1111 modules/prompt_parser.py (../shared/reference/a1111.md §4).
const doctests: Array<[string, Array<[string, number]>]> = [
  ['normal text', [['normal text', 1.0]]],
  ['an (important) word', [['an ', 1.0], ['important', 1.1], [' word', 1.0]]],
  ['(unbalanced', [['unbalanced', 1.1]]],
  ['\\(literal\\]', [['(literal]', 1.0]]],
  ['(unnecessary)(parens)', [['unnecessaryparens', 1.1]]],
  [
    'a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).',
    [
      ['a ', 1.0],
      ['house', 1.5730000000000004],
      [' ', 1.1],
      ['on', 1.0],
      [' a ', 1.1],
      ['hill', 0.55],
      [', sun, ', 1.1],
      ['sky', 1.4641000000000006],
      ['.', 1.1],
    ],
  ],
];

describe('parsePromptAttention: A1111 doctests', () => {
  it.each(doctests)('%s', (text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });
});

// Quirks checked against A1111's own function (outputs recorded from the oracle run, see docs/semantics.md).
const quirks: Array<[string, Array<[string, number]>]> = [
  ['a BREAK b', [['a', 1.0], ['BREAK', -1], ['b', 1.0]]],
  ['(a BREAK b)', [['a', 1.1], ['BREAK', -1.1], ['b', 1.1]]],
  ['BREAKING BREAK', [['BREAKING', 1.0], ['BREAK', -1], ['', 1.0]]],
  ['a\\b', [['ab', 1.0]]],
  ['(x: 1.5 )', [['x', 1.5]]],
  ['x:1.5)', [['x:1.5)', 1.0]]],
  ['', [['', 1.0]]],
  ['[a', [['a', 1 / 1.1]]],
  ['((a)', [['a', 1.2100000000000002]]],
];

describe('parsePromptAttention: quirks', () => {
  it.each(quirks)('%j', (text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });

  it('raises where A1111 raises', () => {
    expect(() => parsePromptAttention('(a:1..2)')).toThrow(/could not convert string to float: '1..2'/);
  });

  it('maps every output character to its source offset', () => {
    const text = 'a (b:1.2) \\(c\\) BREAK d';
    for (const segment of parsePromptAttention(text)) {
      expect(segment.origins).toHaveLength(segment.text.length);
      [...segment.text].forEach((char, i) => expect(text[segment.origins[i]!]).toBe(char));
    }
  });
});
