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
import { joinMapped, lowerMapped, normalizeMapped, replaceMapped, sliceMapped, type MappedText } from './mappedText.js';

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

/** BasicTokenizer `_clean_text`: NUL, U+FFFD and category C go, except \t \n \r. */
const REMOVED_CHARS = /(?![\t\n\r])[\p{C}\ufffd]/gu;
/** BasicTokenizer `_is_whitespace`: \t \n \r, space and category Zs become a space. */
const WHITESPACE_CHARS = /[\t\n\r\p{Zs}]/gu;
/** BasicTokenizer `_is_chinese_char` blocks (CJK ideographs; not kana, not Hangul). */
const CJK_IDEOGRAPHS =
  /[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u{20000}-\u{2a6df}\u{2a700}-\u{2b73f}\u{2b740}-\u{2b81f}\u{2b820}-\u{2ceaf}\u{2f800}-\u{2fa1f}]/gu;
/**
 * The separators Python's `str.split()` still finds after `_clean_text`: the space (every Zs became one)
 * and U+2028/U+2029 (Zl/Zp are neither whitespace nor control to BasicTokenizer, so they survive).
 */
const PYTHON_SPLIT_RUN = /[ \u2028\u2029]+/g;

/**
 * transformers BasicTokenizer.tokenize as CLIPTokenizer configures it, joined back with spaces
 * (`" ".join(self.nlp.tokenize(text))`): _clean_text, spaces around CJK ideographs, NFC, whitespace
 * split, lower case.
 */
function basicTokenizerClean(input: MappedText): MappedText {
  let text = replaceMapped(input, REMOVED_CHARS, () => '');
  text = replaceMapped(text, WHITESPACE_CHARS, () => ' ');
  text = replaceMapped(text, CJK_IDEOGRAPHS, (char) => ` ${char} `);
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
