/**
 * The two HTML-entity decoders CLIP front-ends use:
 * - Python's `html.unescape` (openai simple_tokenizer runs it twice): every `&name` with or without `;`,
 *   the longest legacy prefix, numeric references with CPython's replacement tables;
 * - ftfy's `unescape_html` (ftfy/fixes.py): only complete `&…;` references, plus all-caps forms of
 *   lower-case entity names (`&NTILDE;` → `Ñ`).
 * Named references come from the WHATWG table in the `entities` package; the decision logic follows the
 * Python sources.
 */
import { decodeHTML, decodeHTMLStrict } from 'entities/decode';
import { windows1252Char } from './windows1252.js';

/** CPython html/__init__.py `_charref`. */
const PYTHON_CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;
/** ftfy chardata.py `HTML_ENTITY_RE`. */
export const FTFY_ENTITY = /&#?[0-9A-Za-z]{1,24};/g;

/** CPython `_invalid_charrefs`: NUL, CR and the C1 range read as windows-1252, as browsers do. */
function invalidCharref(code: number): string | undefined {
  if (code === 0x00) return '\ufffd';
  if (code === 0x0d) return '\r';
  if (code >= 0x80 && code <= 0x9f) return windows1252Char(code);
  return undefined;
}

/** CPython `_invalid_codepoints`: decoded to nothing. */
function isInvalidCodepoint(code: number): boolean {
  return (
    (code >= 0x1 && code <= 0x8) ||
    code === 0xb ||
    (code >= 0xe && code <= 0x1f) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0xfdd0 && code <= 0xfdef) ||
    (code & 0xfffe) === 0xfffe
  );
}

function decodeNumeric(reference: string): string {
  const body = reference.endsWith(';') ? reference.slice(0, -1) : reference;
  const hex = body[1] === 'x' || body[1] === 'X';
  const code = hex ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  const replacement = invalidCharref(code);
  if (replacement !== undefined) return replacement;
  if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff || !Number.isFinite(code)) return '\ufffd';
  if (isInvalidCodepoint(code)) return '';
  return String.fromCodePoint(code);
}

/** Replacement for one match of CPython's `_charref` (the group without `&`). */
export function pythonCharref(reference: string): string {
  if (reference.startsWith('#')) return decodeNumeric(reference);
  // Exact name (with or without ';'), else the longest legacy prefix: the WHATWG text-content rule
  // implemented by decodeHTML in legacy mode gives the same answer as CPython's prefix loop.
  return decodeHTML('&' + reference);
}

/** CPython `html.unescape`. */
export function pythonHtmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(PYTHON_CHARREF, (_match, reference: string) => pythonCharref(reference));
}

/**
 * ftfy `_unescape_fixup` for one `&…;` match; returns the match unchanged when ftfy would.
 */
export function ftfyEntity(match: string): string {
  if (match.startsWith('&#')) {
    // ftfy: html.unescape, but only when the whole reference (with its ';') was consumed.
    const decoded = pythonHtmlUnescape(match);
    return decoded.includes(';') ? match : decoded;
  }
  const strict = decodeHTMLStrict(match);
  if (strict !== match) return strict;
  // ftfy chardata._build_html_entities: an all-caps spelling of an all-lower-case entity decodes to the
  // upper-cased character, unless html.unescape already reads the caps spelling as something else.
  const name = match.slice(1, -1);
  if (name !== name.toUpperCase()) return match;
  const lower = '&' + name.toLowerCase() + ';';
  const lowerDecoded = decodeHTMLStrict(lower);
  if (lowerDecoded === lower) return match;
  if (decodeHTML(match) !== match) return match;
  return lowerDecoded.toUpperCase();
}
