/**
 * The canonical style of docs/formatting.md, rule by rule: input → expected output, each case
 * written from the rule it illustrates. Every case also checks the two formatter properties.
 */
import { describe, expect, it } from 'vitest';
import { format } from '../../src/format/index.js';
import { sameFileMeaning } from '../../src/format/equivalence.js';

function formatted(text: string, options?: Parameters<typeof format>[1]): string {
  const result = format(text, options);
  if ('error' in result) throw new Error(`not formatted: ${result.error.map((e) => e.message).join('; ')}`);
  return result.output;
}

const cases: Array<[string, string, string]> = [
  // [rule, input, expected]
  ['tags are separated by ", "', 'a cat,  b dog ,c', 'a cat, b dog, c\n'],
  ['no space just inside brackets', '( masterpiece ), [ ugly ]', '(masterpiece), [ugly]\n'],
  ['weights respelled as the same float', '(a:1.20), (b: .5 ), (c:+1.1), (d:01)', '(a:1.2), (b:0.5), (c:1.1), (d:1)\n'],
  ['a weight A1111 keeps as written (-0)', '(a:-0)', '(a:-0)\n'],
  ['schedules: no spaces at the edges of the texts, the step as written', '[ a  :  b : 0.50 ]', '[a:b: 0.50 ]\n'],
  ['alternations: no spaces at the edges of the options', '[ a  |  b|]', '[a|b|]\n'],
  ['option edges stay where the option would join the text outside', 'x[ a | b ]y, x [ a|b ] y', 'x[ a | b ]y, x [a|b] y\n'],
  ['a whitespace-only option stays', '[ |b]', '[ |b]\n'],
  ['no space goes where it would start an extra-network tag', '(<a :1.2) x>, [<b :0.5] y>', '(<a :1.2) x>, [<b :0.5] y>\n'],
  ['a space that keeps a keyword a keyword stays', '[7 : :2]BREAK', '[7 : :2]BREAK\n'],
  ['repeated commas stay (",," is one CLIP piece, ", ," two)', 'a,,b, ,c', 'a,, b, , c\n'],
  ['no space removed between punctuation', 'a . , b', 'a . , b\n'],
  ['no space added before punctuation or a contraction', "a,.b,'s", "a,.b,'s\n"],
  ['an escaped bracket is punctuation', '\\(a\\) ,b', '\\(a\\) , b\n'],
  ['bracket edges go only where CLIP would not join the neighbours', '( a )( b )', '(a )(b)\n'],
  ['a space between groups of equal weight stays', '(a) (b)', '(a) (b)\n'],
  ['AND and BREAK keep one space on each side', 'a  AND   b BREAK  c', 'a AND b BREAK c\n'],
  ['AND weights respelled', 'a :1.20 AND b', 'a :1.2 AND b\n'],
  ['an AND weight against AND keeps its dot', 'a :1.AND b', 'a :1.AND b\n'],
  ['a fragment with unbalanced brackets: texts using it are left as written', '@fragment f\n)\n@prompt a\n(${f} , )', '@fragment f\n)\n\n@prompt a\n(${f} , )\n'],
  ['brackets around AND: the prompt is left as written', '(a  AND b:1.20)', '(a  AND b:1.20)\n'],
  ['a tag against a keyword: left as written', 'a :1.20<lora:x:1>AND  b', 'a :1.20<lora:x:1>AND  b\n'],
  ['extra-network tags are kept as written', 'a ,<lora: x :0.60>', 'a, <lora: x :0.60>\n'],
  ['wildcards and fragment references are kept', '__season__ ,${style},x', '__season__ ,${style}, x\n'],
  ['unclosed brackets: the prompt is left as written', '(a , b', '(a , b\n'],
  ['a stray closer: left as written', 'a ) ,b', 'a ) ,b\n'],
  ['an empty file stays empty', '', ''],
  ['blank lines inside a prompt collapse to one', 'a,\n\n\n\nb', 'a,\n\nb\n'],
  ['indentation and trailing spaces of prompt lines go', '   a,  \n\t b', 'a,\nb\n'],
  [
    'directives: one blank line before @prompt and @fragment, none after a header',
    '@params\n  steps:30\n cfg :  7  \n@prompt   house\n\n\na house\n@negative\n\nbad\n@fragment style\nink',
    '@params\nsteps: 30\ncfg: 7\n\n@prompt house\na house\n@negative\nbad\n\n@fragment style\nink\n',
  ],
  [
    'comments are kept, inside prompt text too',
    '@prompt a\nx,\n   #  note  \ny\n# about b\n@prompt b\nz',
    '@prompt a\nx,\n#  note\ny\n\n# about b\n@prompt b\nz\n',
  ],
  [
    "a fragment's outer spaces are pasted with it, so they stay (one)",
    '@fragment f\n   x  \n@prompt a\na${f}b',
    '@fragment f\n x \n\n@prompt a\na${f}b\n',
  ],
  ['a comment separated by a blank line stays separate', '# header\n\n\n@prompt a\nx', '# header\n\n@prompt a\nx\n'],
  ['@include paths are quoted', '@include   shared.sdprompt\n@prompt a\nx', '@include "shared.sdprompt"\n\n@prompt a\nx\n'],
  ['text before any @prompt stays an unnamed prompt', 'a ,b\n@params\nsteps: 2', 'a, b\n@params\nsteps: 2\n'],
  [
    'infotext: prompt, negative prompt, parameters line',
    'a ,b\nNegative prompt:  bad,worse\nSteps: 20, Sampler: Euler a, CFG scale: 7',
    'a, b\nNegative prompt: bad, worse\nSteps: 20, Sampler: Euler a, CFG scale: 7\n',
  ],
  ['bare prompts with comments', '# style\na ,b\n# end', '# style\na, b\n# end\n'],
];

describe('canonical style', () => {
  it.each(cases)('%s', (_rule, input, expected) => {
    const output = formatted(input);
    expect(output).toBe(expected);
    expect(formatted(output)).toBe(output);
    expect(sameFileMeaning(input, output)).toEqual({ same: true });
  });

  it('keeps CRLF line endings, or applies the one asked for', () => {
    expect(formatted('@prompt a\r\nx ,y\r\n')).toBe('@prompt a\r\nx, y\r\n');
    expect(formatted('@prompt a\r\nx ,y\r\n', { endOfLine: 'lf' })).toBe('@prompt a\nx, y\n');
    expect(formatted('@prompt a\nx ,y\n', { endOfLine: 'crlf' })).toBe('@prompt a\r\nx, y\r\n');
  });

  it('keeps a byte order mark', () => {
    expect(formatted('\uFEFF@prompt a\nx ,y')).toBe('\uFEFF@prompt a\nx, y\n');
    expect(formatted('\uFEFFx ,y')).toBe('\uFEFFx, y\n');
  });

  it('reports changed only when the output differs', () => {
    expect(format('a, b\n')).toEqual({ output: 'a, b\n', changed: false });
    expect(format('a,b')).toEqual({ output: 'a, b\n', changed: true });
  });

  it.each([
    ['an unknown directive', '@prompt a\nx\n@negativ\ny', 'syntax/unknown-directive'],
    ['a weight A1111 cannot read', '(a:1..2)', 'syntax/bad-number'],
    ['an unterminated quoted value', '@params\nsampler: "Euler', 'syntax/unterminated-string'],
  ])('does not format a file with %s', (_what, input, code) => {
    const result = format(input);
    expect('error' in result).toBe(true);
    if ('error' in result) expect(result.error.map((error) => error.code)).toContain(code);
  });

  it.each([
    ['brackets nested 5,000 deep', '('.repeat(5000) + 'a' + ')'.repeat(5000)],
    ['50,000 tags on one line', 'a ,'.repeat(50000)],
    ['a lone surrogate and control characters', 'a\ud800 ,\u0000b\u0007'],
  ])('never throws on %s', (_what, input) => {
    const result = format(input);
    if ('error' in result) expect(result.error[0]!.message).not.toBe('');
    else expect(format(result.output)).toEqual({ output: result.output, changed: false });
  });
});
