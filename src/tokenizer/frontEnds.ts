/**
 * Text cleaning before the CLIP pre-tokenizer regex. The three front-ends differ only here:
 * - `a1111`: transformers' slow CLIPTokenizer with ftfy installed (tokenization_clip.py `_tokenize`):
 *   `whitespace_clean(ftfy.fix_text(text)).lower()`, no html.unescape. A1111 installs ftfy (via the openai
 *   CLIP and open_clip packages), so its token counter and conditioning take this path.
 * - `comfyui`: the same class without ftfy (ComfyUI's requirements.txt has none), so it falls back to
 *   `BasicTokenizer(strip_accents=False, do_split_on_punc=False)`: control characters dropped, spaces around
 *   CJK ideographs, NFC, whitespace split, lower case.
 * - `openai`: openai/CLIP simple_tokenizer (and open_clip): ftfy, html.unescape twice, whitespace, lower.
 */
import { fixText } from './ftfy.js';
import { pythonCharref } from './htmlEntities.js';
import { joinMapped, lowerMapped, mapCodePoints, normalizeMapped, replaceMapped, sliceMapped, type MappedText } from './mappedText.js';

export type FrontEnd = 'a1111' | 'comfyui' | 'openai';
export const FRONT_ENDS: readonly FrontEnd[] = ['a1111', 'comfyui', 'openai'];

/** Python `regex` `\s` (Unicode White_Space): JS `\s` without U+FEFF, plus U+0085. */
const PYTHON_WHITESPACE_RUN = /(?:[^\S\ufeff]|\u0085)+/g;
const PYTHON_CHARREF = /&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;
const SPECIAL_TOKEN = /<\|startoftext\|>|<\|endoftext\|>/g;

/** Whitespace that `re.sub(r'\s+', ' ', …)` would change: a run of two, or anything but a plain space. */
const NEEDS_COLLAPSE = /[^\S ]|\u0085| {2}/;

/** `re.sub(r'\s+', ' ', text).strip()` */
function whitespaceClean(input: MappedText): MappedText {
  const collapsed = NEEDS_COLLAPSE.test(input.text) ? replaceMapped(input, PYTHON_WHITESPACE_RUN, () => ' ') : input;
  let start = 0;
  let end = collapsed.text.length;
  while (start < end && collapsed.text.charCodeAt(start) === 0x20) start++;
  while (end > start && collapsed.text.charCodeAt(end - 1) === 0x20) end--;
  return sliceMapped(collapsed, start, end);
}

function htmlUnescapeMapped(input: MappedText): MappedText {
  if (!input.text.includes('&')) return input;
  return replaceMapped(input, PYTHON_CHARREF, (match) => pythonCharref(match.slice(1)));
}

/** transformers BasicTokenizer `_is_chinese_char` blocks. */
function isCjkIdeograph(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x20000 && code <= 0x2a6df) ||
    (code >= 0x2a700 && code <= 0x2b73f) ||
    (code >= 0x2b740 && code <= 0x2b81f) ||
    (code >= 0x2b820 && code <= 0x2ceaf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x2f800 && code <= 0x2fa1f)
  );
}

const OTHER_CATEGORY = /^\p{C}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;
/** Python `str.split()` separators that survive `_clean_text` (Zs became ' '; Zl, Zp, and 0x1c-0x1f are gone or kept). */
const PYTHON_SPLIT_RUN = /[ \u2028\u2029]+/g;

/**
 * transformers BasicTokenizer.tokenize as CLIPTokenizer configures it, joined back with spaces
 * (`" ".join(self.nlp.tokenize(text))`).
 */
function basicTokenizerClean(input: MappedText): MappedText {
  // _clean_text: drop NUL, U+FFFD and category C (except \t \n \r); whitespace becomes ' '.
  // _tokenize_chinese_chars: spaces around each CJK ideograph.
  let text = mapCodePoints(input, (char) => {
    const code = char.codePointAt(0)!;
    if (char === '\t' || char === '\n' || char === '\r' || char === ' ') return ' ';
    if (code === 0 || code === 0xfffd || OTHER_CATEGORY.test(char)) return '';
    if (SPACE_SEPARATOR.test(char)) return ' ';
    if (isCjkIdeograph(code)) return ` ${char} `;
    return undefined;
  });
  text = normalizeMapped(text, 'NFC');
  text = lowerMapped(text);
  return whitespaceSplitJoin(text);
}

/** `" ".join(text.strip().split())` */
function whitespaceSplitJoin(input: MappedText): MappedText {
  const collapsed = replaceMapped(input, PYTHON_SPLIT_RUN, () => ' ');
  let start = 0;
  let end = collapsed.text.length;
  while (start < end && collapsed.text.charCodeAt(start) === 0x20) start++;
  while (end > start && collapsed.text.charCodeAt(end - 1) === 0x20) end--;
  return sliceMapped(collapsed, start, end);
}

/** A plain printable-ASCII text needs no ftfy, no entity decoding and no Unicode work. */
const SIMPLE_ASCII = /^[\x20-\x25\x27-\x7e]*$/;

function cleanSegment(input: MappedText, frontEnd: FrontEnd): MappedText {
  if (SIMPLE_ASCII.test(input.text)) return lowerMapped(whitespaceClean(input));
  switch (frontEnd) {
    case 'a1111':
      return lowerMapped(whitespaceClean(fixText(input)));
    case 'comfyui':
      return basicTokenizerClean(input);
    case 'openai':
      return lowerMapped(whitespaceClean(htmlUnescapeMapped(htmlUnescapeMapped(fixText(input)))));
  }
}

/**
 * The text the pre-tokenizer regex runs on. The transformers paths first split out the special tokens
 * (PreTrainedTokenizer.tokenize's added-tokens trie) and clean the pieces between them separately;
 * simple_tokenizer cleans the whole text.
 */
export function cleanText(input: MappedText, frontEnd: FrontEnd): MappedText {
  if (frontEnd === 'openai' || !input.text.includes('<|')) return cleanSegment(input, frontEnd);
  const parts: MappedText[] = [];
  let last = 0;
  SPECIAL_TOKEN.lastIndex = 0;
  for (let match = SPECIAL_TOKEN.exec(input.text); match !== null; match = SPECIAL_TOKEN.exec(input.text)) {
    const before = cleanSegment(sliceMapped(input, last, match.index), frontEnd);
    if (before.text !== '') parts.push(before, { text: ' ', origins: [before.origins[before.origins.length - 1]!] });
    parts.push(sliceMapped(input, match.index, match.index + match[0].length));
    parts.push({ text: ' ', origins: [input.origins[match.index]!] });
    last = match.index + match[0].length;
  }
  parts.push(cleanSegment(sliceMapped(input, last), frontEnd));
  return joinMapped(parts);
}
