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

/** A1111 infotext_utils.py re_param, with Python's Unicode `\w`. */
const reParam = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;

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
  const slice = text.slice(line.start, line.end);
  let count = 0;
  reParam.lastIndex = 0;
  for (let match = reParam.exec(slice); match; match = reParam.exec(slice)) {
    if (match[0].length === 0) {
      reParam.lastIndex++;
      continue;
    }
    count++;
  }
  return count;
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
  const slice = text.slice(line.start, line.end);
  reParam.lastIndex = 0;
  for (let match = reParam.exec(slice); match; match = reParam.exec(slice)) {
    if (match[0].length === 0) {
      reParam.lastIndex++;
      continue;
    }
    const key = match[1]!;
    const keyStart = line.start + match.index + match[0].indexOf(key);
    const rawValue = match[2]!;
    const valueStart = line.start + match.index + match[0].lastIndexOf(rawValue, match[0].length - (match[0].endsWith(',') ? 1 : 0));
    const trimmed = rawValue.replace(/\s+$/, '');
    const entry: ParamEntryNode = {
      kind: 'param',
      range: lines.range(keyStart, valueStart + trimmed.length),
      key,
      keyRange: lines.range(keyStart, keyStart + key.length),
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
