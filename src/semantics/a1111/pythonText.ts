/**
 * Python 3 `re` character classes and `float()` for str patterns, which A1111's regexes rely on.
 * JavaScript's `\s`, `\w`, `\d` and `\b` differ: Python's `\s` is `str.isspace()` (it includes
 * \x1c-\x1f and \x85, but not \ufeff), `\w` is `str.isalnum()` plus `_` for every Unicode letter
 * and number, `\d` is any Unicode decimal digit (category Nd), and `\b` is defined with that `\w`.
 */

/** Characters for which Python's `str.isspace()` is true (bidi WS/B/S or category Zs). */
export const PY_SPACE_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** Python's Unicode `\w` (use with the `u` flag). */
export const PY_WORD_CLASS = '\\p{L}\\p{N}_';
/** Python's Unicode `\d` (use with the `u` flag). */
export const PY_DIGIT_CLASS = '\\p{Nd}';

const SPACE_RE = new RegExp(`[${PY_SPACE_CLASS}]`);

/** Python `str.isspace()` for one UTF-16 code unit (every Python space is in the BMP). */
export function isPythonSpace(char: string): boolean {
  return SPACE_RE.test(char);
}

const DIGIT_RE = /\p{Nd}/u;

/**
 * The value of a Unicode decimal digit. Every Nd block is a run of whole decades starting at its
 * zero, so the value is the distance from the start of the run, modulo 10.
 */
function digitValue(codePoint: number): number {
  let start = codePoint;
  while (start > 0 && DIGIT_RE.test(String.fromCodePoint(start - 1))) start--;
  return (codePoint - start) % 10;
}

/**
 * Python `float()` on a string already matched by a digits-and-dots pattern (`[+-]?[.\d]+` in
 * re_attention, `[-+]?(?:\d+\.?|\d*\.\d+)` in re_weight). Returns undefined where Python raises
 * ValueError (`'.'`, `'1..2'`). Unicode digits count, as in Python.
 */
const ASCII_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

export function pythonFloat(text: string): number | undefined {
  if (ASCII_DECIMAL.test(text)) return Number(text);
  let ascii = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '.' || char === '+' || char === '-' || (code >= 0x30 && code <= 0x39)) ascii += char;
    else if (DIGIT_RE.test(char)) ascii += String(digitValue(code));
    else return undefined;
  }
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(ascii)) return undefined;
  return Number(ascii);
}

/** Python's message for a failed float(): `could not convert string to float: '1..2'`. */
export function floatErrorMessage(text: string): string {
  return `ValueError: could not convert string to float: ${pythonRepr(text)}`;
}

/** Python `repr()` of a str, enough for error messages. */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += '\\' + quote;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char.codePointAt(0)! < 0x20 || char.codePointAt(0) === 0x7f) out += '\\x' + char.codePointAt(0)!.toString(16).padStart(2, '0');
    else out += char;
  }
  return out + quote;
}
