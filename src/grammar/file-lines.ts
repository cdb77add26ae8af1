/**
 * Line-level helpers of the `.sdprompt` file layer: line classification, prompt texts assembled from
 * lines (with their source map), and `key: value` entries.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { CommentNode, ParamEntryNode, PromptText, ValueNode } from './ast.js';
import type { LineIndex } from './line-index.js';
import { promptTextParser } from './prompt-text.js';
import { allocateSourceMap } from './source-map.js';

export type LineKind = 'blank' | 'comment' | 'directive' | 'text';

export interface SourceLine {
  /** 0-based line number. */
  number: number;
  /** Document offsets of the line's content (line break excluded). */
  start: number;
  end: number;
  kind: LineKind;
  /** Offset of the first non-blank character (= end for blank lines). */
  contentStart: number;
}

function isBlankCode(code: number): boolean {
  // space, tab, vertical tab, form feed, no-break space, byte order mark
  return code === 32 || code === 9 || code === 11 || code === 12 || code === 0xa0 || code === 0xfeff;
}

export function splitLines(text: string, lines: LineIndex): SourceLine[] {
  const result: SourceLine[] = new Array(lines.lineCount);
  for (let number = 0; number < lines.lineCount; number++) {
    const start = lines.lineStarts[number]!;
    const end = lines.lineEnd(number);
    let contentStart = start;
    while (contentStart < end && isBlankCode(text.charCodeAt(contentStart))) contentStart++;
    let kind: LineKind = 'text';
    if (contentStart === end) kind = 'blank';
    else if (text.charCodeAt(contentStart) === 35) kind = 'comment'; // #
    else if (text.charCodeAt(contentStart) === 64) kind = 'directive'; // @
    result[number] = { number, start, end, kind, contentStart };
  }
  return result;
}

/** Offset after the last non-blank character of the line. */
export function contentEnd(text: string, line: SourceLine): number {
  let end = line.end;
  while (end > line.contentStart && isBlankCode(text.charCodeAt(end - 1))) end--;
  return end;
}

export function commentNode(text: string, line: SourceLine, lines: LineIndex): CommentNode {
  return {
    kind: 'comment',
    range: lines.range(line.contentStart, line.end),
    text: text.slice(line.contentStart + 1, line.end),
  };
}

/** A slice of the document that becomes one line of a prompt text. */
export interface TextPiece {
  start: number;
  end: number;
  /** Where the piece's line break is, when the piece stops before it (trimmed infotext lines). */
  lineEnd?: number;
}

/**
 * Joins pieces with "\n" into one prompt text and parses it. The "\n" between two pieces maps to the
 * line break after the first one; an empty text maps to `emptyAt`.
 */
export function promptTextFromPieces(
  text: string,
  pieces: TextPiece[],
  lines: LineIndex,
  emptyAt: number,
  diagnostics: Diagnostic[],
): PromptText {
  // One flat string (join, not +=): the scanner reads it char by char, which is slow on a rope.
  const parts: string[] = new Array(pieces.length);
  let length = pieces.length > 0 ? pieces.length - 1 : 0;
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p]!;
    parts[p] = text.slice(piece.start, piece.end);
    length += piece.end - piece.start;
  }
  const joined = parts.length === 1 ? parts[0]! : parts.join('\n');
  const sourceMap = allocateSourceMap(length + 1);
  let index = 0;
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p]!;
    if (p > 0) sourceMap[index++] = pieces[p - 1]!.lineEnd ?? pieces[p - 1]!.end;
    for (let offset = piece.start; offset < piece.end; offset++) sourceMap[index++] = offset;
  }
  sourceMap[index] = pieces.length > 0 ? pieces[pieces.length - 1]!.end : emptyAt;
  const result = promptTextParser().parse(joined, sourceMap, lines);
  for (const diagnostic of result.diagnostics) diagnostics.push(diagnostic);
  return result.node;
}

/** Pieces of the given lines with leading and trailing blank lines dropped (inner ones kept). */
export function trimmedPieces(sourceLines: SourceLine[]): TextPiece[] {
  let first = 0;
  let last = sourceLines.length - 1;
  while (first <= last && sourceLines[first]!.kind === 'blank') first++;
  while (last >= first && sourceLines[last]!.kind === 'blank') last--;
  const pieces: TextPiece[] = [];
  for (let i = first; i <= last; i++) pieces.push({ start: sourceLines[i]!.start, end: sourceLines[i]!.end });
  return pieces;
}

const entryHead = /([\p{L}\p{N}_][\p{L}\p{N}_ \-/.]*?)[ \t]*:[ \t]*/uy;

/**
 * Reads `key: value` from a block line. The value runs to the end of the line (trailing blanks
 * removed) or is a JSON string in double quotes. Returns undefined when the line has no `key:`.
 */
export function paramEntry(text: string, line: SourceLine, lines: LineIndex, diagnostics: Diagnostic[]): ParamEntryNode | undefined {
  entryHead.lastIndex = line.contentStart;
  const match = entryHead.exec(text);
  if (!match || entryHead.lastIndex > line.end) return undefined;
  const keyStart = line.contentStart;
  const key = match[1]!;
  const valueStart = entryHead.lastIndex;
  const end = contentEnd(text, line);
  const entry: ParamEntryNode = {
    kind: 'param',
    range: lines.range(keyStart, end),
    key,
    keyRange: lines.range(keyStart, keyStart + key.length),
  };
  if (valueStart < end) entry.value = valueNode(text, valueStart, end, lines, diagnostics);
  return entry;
}

/** A raw or JSON-quoted value between two offsets of one line. */
export function valueNode(text: string, start: number, end: number, lines: LineIndex, diagnostics: Diagnostic[]): ValueNode {
  const raw = text.slice(start, end);
  if (raw.charCodeAt(0) !== 34) {
    return { kind: 'value', range: lines.range(start, end), raw, value: raw, quoted: false };
  }
  let close = 1;
  while (close < raw.length && raw.charCodeAt(close) !== 34) close += raw.charCodeAt(close) === 92 ? 2 : 1;
  const quotedEnd = Math.min(close + 1, raw.length);
  let value = raw.slice(1, quotedEnd - 1);
  const range = lines.range(start, end);
  if (close >= raw.length) {
    diagnostics.push({
      code: 'syntax/unterminated-string',
      severity: 'error',
      message: 'This quoted value has no closing \'"\'. Add one at the end of the value.',
      range,
      fix: { title: "Insert '\"'", edits: [{ start: end, end, newText: '"' }] },
    });
    return { kind: 'value', range, raw, value: raw.slice(1), quoted: true };
  }
  try {
    value = JSON.parse(raw.slice(0, quotedEnd)) as string;
  } catch {
    diagnostics.push({
      code: 'syntax/bad-string',
      severity: 'error',
      message: 'This quoted value is not a valid JSON string (check its backslash escapes: \\" \\\\ \\n \\uXXXX).',
      range: lines.range(start, start + quotedEnd),
    });
  }
  if (quotedEnd < raw.length) {
    diagnostics.push({
      code: 'syntax/text-after-string',
      severity: 'error',
      message: 'Unexpected text after the closing quote. Put the whole value inside the quotes.',
      range: lines.range(start + quotedEnd, end),
    });
  }
  return { kind: 'value', range, raw, value, quoted: true };
}
