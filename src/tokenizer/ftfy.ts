/**
 * The part of ftfy 6.3.1 `fix_text` (default configuration) that changes Stable Diffusion prompts, as the
 * CLIP tokenizers of A1111 (transformers' slow CLIPTokenizer) and openai/CLIP call it. Written from the
 * behaviour described in ftfy/__init__.py (`fix_text`, `fix_and_explain`) and ftfy/fixes.py; see
 * docs/tokenizer.md for what is left out (ftfy's full mojibake detector is reduced to UTF-8 read as
 * Windows-1252 / Latin-1).
 */
import { FTFY_ENTITY, ftfyEntity } from './htmlEntities.js';
import { windows1252Char } from './windows1252.js';
import { joinMapped, normalizeMapped, replaceMapped, sliceMapped, type MappedText } from './mappedText.js';

/** Nothing in the default fixers can touch text without these (ASCII letters, digits, punctuation, space, \t, \n). */
const MAY_NEED_FIXING = /[&\x00-\x08\x0b-\x1f\x7f-\uffff]/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The sloppy-windows-1252 reading of bytes 0x80..0xFF (undefined bytes read as the C1 control). */
const SLOPPY_1252: string[] = Array.from({ length: 128 }, (_, i) => windows1252Char(0x80 + i));
const BYTE_OF_SLOPPY_CHAR = new Map<string, number>(SLOPPY_1252.map((char, i) => [char, 0x80 + i]));

function escapeClass(chars: string[]): string {
  return chars.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
}

/** Bytes 0x80..0xBF as sloppy-windows-1252 characters. */
const CONTINUATION_CHARS = escapeClass(SLOPPY_1252.slice(0, 32)) + '\\u00a0-\\u00bf';
const CONTINUATION = `[${CONTINUATION_CHARS}]`;
/**
 * Lead bytes read as Windows-1252 that sdprompt treats as mojibake: Â Ã (Latin-1 letters, symbols),
 * Ä Å (Latin Extended-A), Î Ï (Greek), Ð Ñ (Cyrillic), â (punctuation such as ’ “ …), ã (kana) and ð
 * (emoji). Other leads such as ß or é followed by symbols are usually meant as written; ftfy tells them
 * apart with a heuristic that is not reproduced.
 */
const SEQUENCE = `[\\u00c2-\\u00c5\\u00ce\\u00cf\\u00d0\\u00d1]${CONTINUATION}|[\\u00e2\\u00e3]${CONTINUATION}{2}|\\u00f0${CONTINUATION}{3}`;
/** A run of UTF-8 multi-byte sequences whose bytes were read as Windows-1252 (`cafÃ©`), not right after another such byte. */
const UTF8_AS_1252 = new RegExp(`(?<!${CONTINUATION})(?:${SEQUENCE})+`, 'g');
const UTF8_AS_1252_START = new RegExp(`(?:${SEQUENCE})`);
/** Text that a single-byte sloppy-windows-1252 encoding can represent. */
const SLOPPY_1252_TEXT = new RegExp(`^[\\x00-\\xff${escapeClass(SLOPPY_1252.slice(0, 32))}]*$`);

function sloppy1252Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[i] = code <= 0xff ? code : (BYTE_OF_SLOPPY_CHAR.get(text[i]!) ?? 0x1a);
  }
  return bytes;
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * ftfy fix_encoding, reduced: when the whole segment re-encodes as Windows-1252/Latin-1 bytes that are
 * valid UTF-8 (with at least one multi-byte sequence), decode it; otherwise re-decode the embedded runs
 * of such sequences (decode_inconsistent_utf8). ftfy's "badness" heuristic and its other single-byte
 * encodings are not reproduced (docs/tokenizer.md).
 */
function fixUtf8Mojibake(text: MappedText): MappedText {
  if (!UTF8_AS_1252_START.test(text.text)) return text;
  if (SLOPPY_1252_TEXT.test(text.text)) {
    const whole = decodeUtf8(sloppy1252Bytes(text.text));
    if (whole !== undefined && whole !== text.text) return replaceMapped(text, /[^]+/g, () => whole);
  }
  return replaceMapped(text, UTF8_AS_1252, (match) => decodeUtf8(sloppy1252Bytes(match)) ?? match);
}

/** ftfy fixes.fix_c1_controls: C1 controls read as Windows-1252, as browsers do. */
const C1_CONTROL = /[\x80-\x9f]/g;

/** ftfy chardata.LIGATURES. */
const LIGATURES = new Map<string, string>([
  ['Ĳ', 'IJ'], ['ĳ', 'ij'], ['ŉ', 'ʼn'], ['Ǳ', 'DZ'], ['ǲ', 'Dz'], ['ǳ', 'dz'], ['Ǆ', 'DŽ'], ['ǅ', 'Dž'], ['ǆ', 'dž'],
  ['Ǉ', 'LJ'], ['ǈ', 'Lj'], ['ǉ', 'lj'], ['Ǌ', 'NJ'], ['ǋ', 'Nj'], ['ǌ', 'nj'], ['ﬀ', 'ff'], ['ﬁ', 'fi'], ['ﬂ', 'fl'],
  ['ﬃ', 'ffi'], ['ﬄ', 'ffl'], ['ﬅ', 'ſt'], ['ﬆ', 'st'],
]);
const LIGATURE_CHARS = new RegExp(`[${[...LIGATURES.keys()].join('')}]`, 'g');

/** ftfy chardata.WIDTH_MAP: U+3000 and every U+FF01..U+FFEF whose NFKC form differs. */
function widthReplacement(char: string): string {
  if (char === '\u3000') return ' ';
  return char.normalize('NFKC');
}
const WIDTH_CHARS = /[\u3000\uff01-\uffef]/g;

const SINGLE_QUOTES = /[\u02bc\u2018-\u201b]/g;
const DOUBLE_QUOTES = /[\u201c-\u201f]/g;
const LINE_BREAKS = /\r\n|[\r\u2028\u2029\u0085]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const TERMINAL_ESCAPE = /\x1b\[(?:\d|;)*[a-zA-Z]/g;
/** ftfy chardata.CONTROL_CHARS. */
const CONTROL_CHARS = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;

/** One pass of ftfy fix_and_explain's fixers, in its order. */
function fixOnce(segment: MappedText, unescapeHtml: boolean): MappedText {
  let text = segment;
  if (unescapeHtml) text = replaceMapped(text, FTFY_ENTITY, ftfyEntity);
  text = fixUtf8Mojibake(text);
  text = replaceMapped(text, C1_CONTROL, (char) => windows1252Char(char.charCodeAt(0)));
  text = replaceMapped(text, LIGATURE_CHARS, (char) => LIGATURES.get(char) ?? char);
  text = replaceMapped(text, WIDTH_CHARS, widthReplacement);
  text = replaceMapped(text, SINGLE_QUOTES, () => "'");
  text = replaceMapped(text, DOUBLE_QUOTES, () => '"');
  text = replaceMapped(text, LINE_BREAKS, () => '\n');
  text = replaceMapped(text, LONE_SURROGATE, () => '\ufffd');
  text = replaceMapped(text, TERMINAL_ESCAPE, () => '');
  text = replaceMapped(text, CONTROL_CHARS, () => '');
  return normalizeMapped(text, 'NFC');
}

/**
 * ftfy.fix_text with its default configuration. It works line by line (`\n`-terminated); once a line
 * contains `<`, HTML unescaping stays off for that line and every later one (unescape_html="auto").
 */
export function fixText(input: MappedText): MappedText {
  if (!MAY_NEED_FIXING.test(input.text)) return input;
  const parts: MappedText[] = [];
  let unescapeHtml = true;
  let position = 0;
  while (position < input.text.length) {
    let lineEnd = input.text.indexOf('\n', position) + 1;
    if (lineEnd === 0) lineEnd = input.text.length;
    let segment = sliceMapped(input, position, lineEnd);
    if (segment.text.includes('<')) unescapeHtml = false;
    // fix_and_explain repeats the fixers until the text stops changing.
    for (let round = 0; round < 16; round++) {
      const fixed = fixOnce(segment, unescapeHtml);
      if (fixed.text === segment.text) break;
      segment = fixed;
    }
    parts.push(segment);
    position = lineEnd;
  }
  return parts.length === 0 ? input : joinMapped(parts);
}
