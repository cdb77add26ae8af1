/**
 * The cleaning steps on their own: ftfy's fixes (ftfy 6.3.1 behaviour, as documented in its docstrings
 * and checked against ftfy itself) and CPython's html.unescape rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixText } from '../../src/tokenizer/ftfy.js';
import { pythonHtmlUnescape } from '../../src/tokenizer/htmlEntities.js';
import { identityMapped } from '../../src/tokenizer/mappedText.js';
import { cleanText } from '../../src/tokenizer/frontEnds.js';

const fix = (text: string): string => fixText(identityMapped(text)).text;

describe('ftfy fix_text subset', () => {
  it.each([
    ['&lt;tag&gt;', '<tag>'],
    ['&amp;amp; twice', '& twice'],
    ['tom &amp jerry', 'tom &amp jerry'],
    ['&NTILDE;', 'Ñ'],
    ['&LTIMES;', '&LTIMES;'],
    ['&xyz;', '&xyz;'],
    ['it&#x2019;s', "it's"],
    ['&#12ab;', '&#12ab;'],
    ['Broken text&hellip; it&#x2019;s ﬂubberiﬁc!', "Broken text… it's flubberific!"],
    ['ＬＯＵＤ　ＮＯＩＳＥＳ', 'LOUD NOISES'],
    ['Ｕﾀｰﾝ', 'Uターン'],
    ['ﬂuﬃeﬆ', 'fluffiest'],
    ['\u201chere\u2019s a test\u201d', '"here\'s a test"'],
    ['a\r\nb\rc\u2028d', 'a\nb\nc\nd'],
    ['\x1b[31mred\x1b[0m', 'red'],
    ['a\x00b\x07c\ufeffd\u206ae', 'abcde'],
    ['a\tb\x0cc', 'a\tb\x0cc'],
    ['\x80 \x93x\x94', '€ "x"'],
    ['cafÃ© crÃ¨me', 'café crème'],
    ['ðŸ˜€ smile', '😀 smile'],
    ['nai\u0308ve', 'naïve'],
    ['zero\u200bwidth \u200d', 'zero\u200bwidth \u200d'],
    ['Straße² café“ok”', 'Straße² café"ok"'],
    ['Ð¿Ñ€Ð¸Ð²ÐµÑ‚', 'привет'],
  ])('%j → %j', (input, expected) => {
    expect(fix(input)).toBe(expected);
  });

  it('stops decoding entities from the first line holding "<" on', () => {
    expect(fix('a &amp; b\n<x> &amp;\n&amp;')).toBe('a & b\n<x> &amp;\n&amp;');
    expect(fix('&amp; <\n&amp;')).toBe('&amp; <\n&amp;');
  });

  it('keeps every character mapped to a source offset inside the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const fixed = fixText(identityMapped(text));
        expect(fixed.origins).toHaveLength(fixed.text.length);
        for (const origin of fixed.origins) expect(origin >= 0 && origin < text.length).toBe(true);
      }),
    );
  });
});

describe("CPython html.unescape", () => {
  it.each([
    ['&amp;', '&'],
    ['&amp', '&'],
    ['&ampx', '&x'],
    ['&notit;', '¬it;'],
    ['&LTIMES;', '<IMES;'],
    ['&#128;', '€'],
    ['&#x80;', '€'],
    ['&#0;', '\ufffd'],
    ['&#1;', ''],
    ['&#xD800;', '\ufffd'],
    ['&#1114112;', '\ufffd'],
    ['&#65;&#x42;&#67', 'ABC'],
    ['a & b', 'a & b'],
  ])('%j → %j', (input, expected) => {
    expect(pythonHtmlUnescape(input)).toBe(expected);
  });
});

describe('front-end cleaning', () => {
  const clean = (text: string, frontEnd: 'a1111' | 'comfyui' | 'openai') => cleanText(identityMapped(text), frontEnd).text;

  it('collapses whitespace and lower-cases the same way in every front-end for plain text', () => {
    for (const frontEnd of ['a1111', 'comfyui', 'openai'] as const) {
      expect(clean('  Red\tHair,\n\n BLUE  eyes ', frontEnd)).toBe('red hair, blue eyes');
    }
  });

  it('spaces CJK ideographs, drops format characters and keeps kana only in the comfyui front-end', () => {
    expect(clean('猫咪のA\u200bB', 'comfyui')).toBe('猫 咪 のab');
    expect(clean('猫咪のA\u200bB', 'a1111')).toBe('猫咪のa\u200bb');
  });

  it('keeps the final sigma when another character changes length on lower-casing (İ → i̇)', () => {
    for (const frontEnd of ['a1111', 'comfyui', 'openai'] as const) {
      expect(clean('İ ΣΑΣ>', frontEnd)).toBe('i̇ σας>');
    }
  });

  it('keeps special tokens whole between cleaned pieces', () => {
    expect(clean('A <|endoftext|> &amp;', 'a1111')).toBe('a <|endoftext|> &');
  });
});
