/**
 * The A1111 / Civitai infotext form ("generation data"):
 *
 *   prompt lines
 *   Negative prompt: negative lines
 *   Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, …
 *
 * Read as A1111 modules/infotext_utils.py parse_generation_parameters does: the last line is the
 * parameters line only if re_param finds at least 3 matches in it; every other line is stripped; lines
 * before the first "Negative prompt:" line are the prompt, the rest the negative prompt.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ParamEntryNode, PromptDefNode, PromptFile } from './ast.js';
import { contentEnd, promptTextFromPieces, type SourceLine, type TextPiece } from './file-lines.js';
import type { LineIndex } from './line-index.js';
import { isWordChar } from './prompt-lexer.js';

/** One `key: value` match of A1111's re_param in a line (offsets relative to the line). */
export interface ParamMatch {
  key: string;
  keyStart: number;
  /** The value as matched (quoted values with their quotes). */
  value: string;
  valueStart: number;
}

/** Python's `\s` for str: str.isspace() (which, unlike JavaScript's, includes \x1c-\x1f and \x85). */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code >= 0x1c && code <= 0x1f) || code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

/** `[\w \-/]` of re_param's key. */
function isKeyChar(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code === 32 || code === 45 || code === 47 || isWordChar(text, index);
}

/**
 * The matches of A1111 infotext_utils.py `re_param`
 * (`\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)`) in one line, as Python's finditer finds
 * them, in linear time (the regex itself backtracks quadratically on a long line without ':'):
 * the key is a word character and the longest run of `[\w \-/]` after it (at least one), and it must
 * be followed by ':'; the value is a quoted string when one follows and is itself followed by ',' or
 * the end, else everything up to the next ','.
 */
export function reParamMatches(line: string): ParamMatch[] {
  const matches: ParamMatch[] = [];
  const length = line.length;
  let position = 0;
  while (position < length) {
    let keyStart = position;
    while (keyStart < length && isSpace(line.charCodeAt(keyStart))) keyStart++;
    if (keyStart >= length) break;
    if (!isWordChar(line, keyStart)) {
      position = keyStart + 1;
      continue;
    }
    let keyEnd = keyStart + 1;
    while (keyEnd < length && isKeyChar(line, keyEnd)) keyEnd++;
    if (keyEnd === keyStart + 1 || line.charCodeAt(keyEnd) !== 58) {
      // No start inside this run can reach a ':' either: continue after it.
      position = Math.max(keyEnd, position + 1);
      continue;
    }
    let valueStart = keyEnd + 1;
    while (valueStart < length && isSpace(line.charCodeAt(valueStart))) valueStart++;
    let valueEnd = -1;
    if (line.charCodeAt(valueStart) === 34) {
      let cursor = valueStart + 1;
      while (cursor < length && line.charCodeAt(cursor) !== 34) cursor += line.charCodeAt(cursor) === 92 && cursor + 1 < length ? 2 : 1;
      const closed = cursor < length && cursor > valueStart + 1;
      if (closed && (cursor + 1 === length || line.charCodeAt(cursor + 1) === 44)) valueEnd = cursor + 1;
    }
    if (valueEnd === -1) {
      valueEnd = line.indexOf(',', valueStart);
      if (valueEnd === -1) valueEnd = length;
    }
    matches.push({ key: line.slice(keyStart, keyEnd), keyStart, value: line.slice(valueStart, valueEnd), valueStart });
    position = valueEnd < length ? valueEnd + 1 : length;
  }
  return matches;
}

const negativePrefix = 'Negative prompt:';

/** The non-comment, non-blank line that could be the parameters line. */
function lastContentLine(sourceLines: SourceLine[]): SourceLine | undefined {
  for (let i = sourceLines.length - 1; i >= 0; i--) {
    const line = sourceLines[i]!;
    if (line.kind === 'text') return line;
    if (line.kind !== 'blank' && line.kind !== 'comment') return undefined;
  }
  return undefined;
}

function countParams(text: string, line: SourceLine): number {
  return reParamMatches(text.slice(line.start, line.end)).length;
}

/** True when the text reads as infotext: a "Negative prompt:" line or a parameters line. */
export function looksLikeInfotext(text: string, sourceLines: SourceLine[]): boolean {
  for (const line of sourceLines) {
    if (line.kind === 'text' && text.startsWith(negativePrefix, line.contentStart)) return true;
  }
  const last = lastContentLine(sourceLines);
  return last !== undefined && countParams(text, last) >= 3;
}

/** JSON-decodes a quoted infotext value as A1111's unquote does (falling back to the raw text). */
function unquote(raw: string): string {
  if (raw.length < 2 || raw[0] !== '"' || raw[raw.length - 1] !== '"') return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw;
  }
}

function paramsLineEntries(text: string, line: SourceLine, lines: LineIndex): ParamEntryNode[] {
  const entries: ParamEntryNode[] = [];
  for (const match of reParamMatches(text.slice(line.start, line.end))) {
    const keyStart = line.start + match.keyStart;
    const valueStart = line.start + match.valueStart;
    const trimmed = match.value.replace(/\s+$/, '');
    const entry: ParamEntryNode = {
      kind: 'param',
      range: lines.range(keyStart, valueStart + trimmed.length),
      key: match.key,
      keyRange: lines.range(keyStart, keyStart + match.key.length),
    };
    if (trimmed.length > 0) {
      const quoted = trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2;
      entry.value = {
        kind: 'value',
        range: lines.range(valueStart, valueStart + trimmed.length),
        raw: trimmed,
        value: quoted ? unquote(trimmed) : trimmed,
        quoted,
      };
    }
    entries.push(entry);
  }
  return entries;
}

/** Fills `file` (already set up by the caller) from infotext lines. */
export function readInfotext(text: string, sourceLines: SourceLine[], lines: LineIndex, file: PromptFile, diagnostics: Diagnostic[]): void {
  const last = lastContentLine(sourceLines);
  const paramsLine = last !== undefined && countParams(text, last) >= 3 ? last : undefined;
  const positive: TextPiece[] = [];
  const negative: TextPiece[] = [];
  let inNegative = false;
  let negativeLine: SourceLine | undefined;
  for (const line of sourceLines) {
    if (line === paramsLine) break;
    if (line.kind === 'comment') continue;
    if (line.kind === 'blank') {
      // A1111 appends "\n" + "" for a blank line, except while the part is still empty.
      const part = inNegative ? negative : positive;
      if (part.length > 0) part.push({ start: line.start, end: line.start, lineEnd: line.end });
      continue;
    }
    let start = line.contentStart;
    if (text.startsWith(negativePrefix, start)) {
      if (!inNegative) negativeLine = line;
      inNegative = true;
      start += negativePrefix.length;
      while (start < line.end && /\s/.test(text[start]!)) start++;
    }
    const piece: TextPiece = { start, end: contentEnd(text, line), lineEnd: line.end };
    if (piece.end < piece.start) piece.end = piece.start;
    (inNegative ? negative : positive).push(piece);
  }
  const firstLine = sourceLines[0]!;
  const positiveText = promptTextFromPieces(text, positive, lines, firstLine.start, diagnostics);
  const prompt: PromptDefNode = { kind: 'prompt', range: file.range, positive: positiveText, blocks: [] };
  if (negativeLine) {
    const emptyAt = contentEnd(text, negativeLine);
    prompt.negative = promptTextFromPieces(text, negative, lines, emptyAt, diagnostics);
  }
  if (paramsLine) {
    const entries = paramsLineEntries(text, paramsLine, lines);
    file.infotext = entries;
    file.blocks.push({
      kind: 'param-block',
      block: 'params',
      range: lines.range(paramsLine.contentStart, contentEnd(text, paramsLine)),
      directiveRange: lines.range(paramsLine.contentStart, paramsLine.contentStart),
      entries,
    });
  }
  file.prompts.push(prompt);
}
