/**
 * Which whitespace the formatter may add or remove without changing what CLIP sees.
 *
 * CLIP's tokenizer (openai/CLIP simple_tokenizer.py, and transformers' CLIPTokenizer that A1111
 * uses) collapses whitespace and then splits the text with
 * `'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`: a run of letters is one piece,
 * every digit is its own piece, a run of punctuation is one piece, and an ASCII `'` before
 * s/t/re/ve/m/ll/d starts a contraction. So whitespace between two characters only matters when,
 * without it, the two would fall into the same piece: two letters, two punctuation characters, or
 * `'` followed by a letter. That is `mayJoin` below.
 */

/**
 * The CLIP class of a character at the edge of a piece of output:
 *  - `L` letter, `N` digit, `P` punctuation or symbol, `Q` the ASCII apostrophe;
 *  - `WS` whitespace that stays, `EDGE` the start or end of the prompt text (nothing to join);
 *  - `null` unknown (a `${fragment}`, a stray character): joins with anything, so no change is made.
 */
export type EdgeClass = 'L' | 'N' | 'P' | 'Q' | 'WS' | 'EDGE' | null;

const LETTER = /^\p{L}$/u;
const NUMBER = /^\p{N}$/u;

/** The class of an ASCII character code (the common case, without a regular expression). */
function asciiClass(code: number): EdgeClass {
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return 'L';
  if (code >= 48 && code <= 57) return 'N';
  if (code === 39) return 'Q';
  if (code === 32 || code === 9 || code === 10 || code === 12 || code === 13) return 'WS';
  if (code < 32 || code === 127) return null;
  return 'P';
}

/**
 * Characters ftfy deletes before CLIP's whitespace cleaning (ftfy/fixes.py remove_control_chars,
 * as tokenizer.md §1 lists): next to one of them, whitespace may be all that separates two words.
 */
const DELETED_BY_FTFY = /[\u0000-\u0008\u000b\u000e-\u001f\u007f\ufeff]/gu;

/** The class of one character (a full code point). */
export function classOf(char: string): EdgeClass {
  DELETED_BY_FTFY.lastIndex = 0;
  if (DELETED_BY_FTFY.test(char)) return null;
  if (char.length === 1 && char.charCodeAt(0) < 128) return asciiClass(char.charCodeAt(0));
  if (char === "'") return 'Q';
  if (LETTER.test(char)) return 'L';
  if (NUMBER.test(char)) return 'N';
  if (/^\s$/u.test(char)) return 'WS';
  return 'P';
}

/** The class of the first code point of `text`. */
export function firstClass(text: string): EdgeClass {
  if (text.length > 0 && text.charCodeAt(0) < 128) return asciiClass(text.charCodeAt(0));
  const point = text.codePointAt(0);
  return point === undefined ? 'EDGE' : classOf(String.fromCodePoint(point));
}

/** The class of the last code point of `text`. */
export function lastClass(text: string): EdgeClass {
  if (text.length === 0) return 'EDGE';
  const low = text.charCodeAt(text.length - 1);
  if (low < 128) return asciiClass(low);
  const isLowSurrogate = low >= 0xdc00 && low <= 0xdfff && text.length >= 2;
  return classOf(isLowSurrogate ? text.slice(-2) : text.slice(-1));
}

/**
 * True when the characters of classes `left` and `right`, written with no whitespace between
 * them, could end up in the same CLIP piece (so the whitespace between them is meaningful).
 */
export function mayJoin(left: EdgeClass, right: EdgeClass): boolean {
  if (left === 'WS' || right === 'WS' || left === 'EDGE' || right === 'EDGE') return false;
  if (left === null || right === null) return true;
  if (left === 'L' && right === 'L') return true;
  const leftPunct = left === 'P' || left === 'Q';
  const rightPunct = right === 'P' || right === 'Q';
  if (leftPunct && rightPunct) return true;
  // `'s`, `'t`, `'re`…: a contraction piece starts at the apostrophe.
  return left === 'Q' && right === 'L';
}

/**
 * The CLIP pieces of `text` (without BPE): what two texts must share for CLIP to produce the same
 * tokens. Used to compare A1111 attention lists "up to whitespace that CLIP ignores".
 */
export function clipPieces(text: string): string[] {
  const cleaned = text.replace(DELETED_BY_FTFY, '').replace(/\s+/gu, ' ').trim().toLowerCase();
  return cleaned.match(/'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu) ?? [];
}
