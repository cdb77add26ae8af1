/**
 * A1111 modules/prompt_parser.py `get_multicond_prompt_list`: the prompt is split on
 * `re_AND = \bAND\b` (Python's Unicode word boundary), and each part is matched with
 * `re_weight = ^((?:\s|.)*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*$`: the text is the
 * shortest prefix after which only `[whitespace] : [whitespace] NUMBER [whitespace]` or
 * whitespace remains, so trailing whitespace never belongs to the text (leading whitespace does).
 */
import { PY_DIGIT_CLASS, PY_WORD_CLASS, isPythonSpace, pythonFloat } from './pythonText.js';

const AND = new RegExp(`(?<![${PY_WORD_CLASS}])AND(?![${PY_WORD_CLASS}])`, 'gu');
/** `[-+]?(?:\d+\.?|\d*\.\d+)` over a whole string. */
const WEIGHT_NUMBER = new RegExp(`^[-+]?(?:[${PY_DIGIT_CLASS}]+\\.?|[${PY_DIGIT_CLASS}]*\\.[${PY_DIGIT_CLASS}]+)$`, 'u');

export interface AndPart {
  text: string;
  /** Source offset of each char of `text`. */
  origins: number[];
  weight: number;
}

/** Splits a prompt (already stripped of extra networks) into its AND parts; `track: false` leaves `origins` empty. */
export function splitAnd(prompt: string, origins?: readonly number[], track = true): AndPart[] {
  const parts: AndPart[] = [];
  let last = 0;
  AND.lastIndex = 0;
  let match: RegExpExecArray | null;
  const bounds: Array<[number, number]> = [];
  while (prompt.includes('AND', last) && (match = AND.exec(prompt)) !== null) {
    bounds.push([last, match.index]);
    last = match.index + 3;
  }
  bounds.push([last, prompt.length]);
  for (const [start, end] of bounds) {
    const { textEnd, weight } = matchWeight(prompt, start, end);
    let originMap: number[];
    if (!track) originMap = [];
    else if (origins) originMap = origins.slice(start, textEnd);
    else {
      originMap = new Array<number>(Math.max(0, textEnd - start));
      for (let p = start; p < textEnd; p++) originMap[p - start] = p;
    }
    parts.push({ text: prompt.slice(start, textEnd), origins: originMap, weight });
  }
  return parts;
}

/** re_weight on prompt[start, end): where the text ends and the weight (1.0 when none). */
function matchWeight(prompt: string, start: number, end: number): { textEnd: number; weight: number } {
  let trimmed = end;
  while (trimmed > start && isPythonSpace(prompt[trimmed - 1]!)) trimmed--;
  // The weight form needs a ':' followed by whitespace and a number that ends the trimmed text.
  const colon = prompt.lastIndexOf(':', trimmed - 1);
  if (colon >= start) {
    let numberStart = colon + 1;
    while (numberStart < trimmed && isPythonSpace(prompt[numberStart]!)) numberStart++;
    const number = prompt.slice(numberStart, trimmed);
    if (number.length > 0 && WEIGHT_NUMBER.test(number)) {
      let textEnd = colon;
      while (textEnd > start && isPythonSpace(prompt[textEnd - 1]!)) textEnd--;
      return { textEnd, weight: pythonFloat(number)! };
    }
  }
  return { textEnd: trimmed, weight: 1.0 };
}
