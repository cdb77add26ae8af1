/**
 * A1111 modules/prompt_parser.py `parse_prompt_attention`, reproduced exactly (v1.10), with the
 * source offset of every output character.
 *
 * The regex `re_attention` is scanned left to right with its alternatives in this order:
 * `\(` `\)` `\[` `\]` `\\` lone-`\` `(` `[` `:\s*([+-]?[.\d]+)\s*\)` `)` `]` `[^\\()\[\]:]+` `:`.
 * Quirks kept on purpose, because A1111 has them:
 *  - a lone `\` yields an empty segment of weight 1.0 (it can stop two runs from merging);
 *  - `BREAK` (`re_break = \s*\bBREAK\b\s*`) is split only inside text pieces, and the
 *    `['BREAK', -1]` entries are multiplied like any other entry by an enclosing bracket, so a BREAK
 *    inside `( )` weighs -1.1;
 *  - unclosed `(` then unclosed `[` are applied at the end, in the order they were opened;
 *  - runs of exactly equal weights are merged last.
 * Weights are multiplied in A1111's order so the floats are bit-identical to Python's.
 */
import type { AttentionSegment } from '../model.js';
import { PY_DIGIT_CLASS, PY_SPACE_CLASS, PY_WORD_CLASS, floatErrorMessage, pythonFloat } from './pythonText.js';

const ROUND_MULTIPLIER = 1.1;
const SQUARE_MULTIPLIER = 1 / 1.1;

/** `:\s*([+-]?[.\d]+)\s*\)` anchored at the current position (sticky). */
const WEIGHT_CLOSE = new RegExp(`:[${PY_SPACE_CLASS}]*([+-]?[.${PY_DIGIT_CLASS}]+)[${PY_SPACE_CLASS}]*\\)`, 'uy');
/** `re_break`: `\s*\bBREAK\b\s*` with Python's Unicode `\s` and `\b`. */
const BREAK = new RegExp(`[${PY_SPACE_CLASS}]*(?<![${PY_WORD_CLASS}])BREAK(?![${PY_WORD_CLASS}])[${PY_SPACE_CLASS}]*`, 'gu');

/** Thrown where A1111 itself raises (float() of a malformed weight such as `1..2`). */
export class A1111Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'A1111Error';
  }
}

interface Entry {
  text: string;
  weight: number;
  origins: number[];
}

/** Offsets 0..length-1 (a plain loop: Array.from with a callback is ~20x slower here). */
function identityOrigins(length: number): number[] {
  const origins = new Array<number>(length);
  for (let i = 0; i < length; i++) origins[i] = i;
  return origins;
}

function isPlainTextChar(char: string): boolean {
  return char !== '\\' && char !== '(' && char !== ')' && char !== '[' && char !== ']' && char !== ':';
}

/** Adds a text piece, split on BREAK as A1111 does (`re.split(re_break, text)`, empty parts kept). */
function pushText(entries: Entry[], text: string, origins: number[]): void {
  if (!text.includes('BREAK')) {
    entries.push({ text, weight: 1.0, origins });
    return;
  }
  BREAK.lastIndex = 0;
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = BREAK.exec(text)) !== null) {
    entries.push({ text: text.slice(last, match.index), weight: 1.0, origins: origins.slice(last, match.index) });
    const wordStart = match.index + match[0].indexOf('BREAK');
    entries.push({ text: 'BREAK', weight: -1, origins: origins.slice(wordStart, wordStart + 5) });
    last = match.index + match[0].length;
  }
  entries.push({ text: text.slice(last), weight: 1.0, origins: origins.slice(last) });
}

/**
 * parse_prompt_attention(text). `origins[i]` is the source offset of `text[i]` (defaults to i).
 * Throws A1111Error where A1111 raises.
 */
export function parsePromptAttention(text: string, origins?: readonly number[]): AttentionSegment[] {
  const source = origins ?? identityOrigins(text.length);
  const entries: Entry[] = [];
  const roundBrackets: number[] = [];
  const squareBrackets: number[] = [];
  const multiplyRange = (start: number, multiplier: number): void => {
    for (let p = start; p < entries.length; p++) entries[p]!.weight *= multiplier;
  };

  let i = 0;
  const n = text.length;
  while (i < n) {
    const char = text[i]!;
    if (char === '\\') {
      const next = text[i + 1];
      if (next === '(' || next === ')' || next === '[' || next === ']' || next === '\\') {
        entries.push({ text: next, weight: 1.0, origins: [source[i + 1]!] });
        i += 2;
      } else {
        // A lone backslash: A1111 appends text[1:] of the match, an empty string.
        entries.push({ text: '', weight: 1.0, origins: [] });
        i += 1;
      }
    } else if (char === '(') {
      roundBrackets.push(entries.length);
      i++;
    } else if (char === '[') {
      squareBrackets.push(entries.length);
      i++;
    } else if (char === ':') {
      WEIGHT_CLOSE.lastIndex = i;
      const match = WEIGHT_CLOSE.exec(text);
      if (match !== null && roundBrackets.length > 0) {
        const weight = pythonFloat(match[1]!);
        if (weight === undefined) throw new A1111Error(floatErrorMessage(match[1]!));
        multiplyRange(roundBrackets.pop()!, weight);
        i += match[0].length;
      } else {
        const end = match !== null ? i + match[0].length : i + 1;
        pushText(entries, text.slice(i, end), source.slice(i, end));
        i = end;
      }
    } else if (char === ')' && roundBrackets.length > 0) {
      multiplyRange(roundBrackets.pop()!, ROUND_MULTIPLIER);
      i++;
    } else if (char === ']' && squareBrackets.length > 0) {
      multiplyRange(squareBrackets.pop()!, SQUARE_MULTIPLIER);
      i++;
    } else if (char === ')' || char === ']') {
      pushText(entries, char, [source[i]!]);
      i++;
    } else {
      let end = i + 1;
      while (end < n && isPlainTextChar(text[end]!)) end++;
      pushText(entries, text.slice(i, end), source.slice(i, end));
      i = end;
    }
  }

  for (const position of roundBrackets) multiplyRange(position, ROUND_MULTIPLIER);
  for (const position of squareBrackets) multiplyRange(position, SQUARE_MULTIPLIER);

  if (entries.length === 0) return [{ text: '', weight: 1.0, origins: [] }];

  // Merge runs of identical weights (exact float equality, as A1111).
  // Origins are appended in place (entries own their arrays), so long runs merge in linear time.
  const merged: Entry[] = [entries[0]!];
  for (let k = 1; k < entries.length; k++) {
    const entry = entries[k]!;
    const previous = merged[merged.length - 1]!;
    if (previous.weight === entry.weight) {
      previous.text += entry.text;
      for (const origin of entry.origins) previous.origins.push(origin);
    } else {
      merged.push(entry);
    }
  }
  return merged;
}
