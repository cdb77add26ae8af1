/**
 * The formatter: prints a prompt file from its syntax tree in the one canonical style of
 * docs/formatting.md, keeping every comment and A1111's meaning of every prompt.
 *
 * Files with syntax errors are never rewritten: `format` returns the errors instead.
 */
import type { Diagnostic, TextEdit } from '../core/diagnostic.js';
import { parse } from '../grammar/parse.js';
import { layoutFile, renderItems, type FileLayout, type LayoutItem } from './file-layout.js';

export interface FormatOptions {
  /**
   * Line endings of the output: `auto` (default) keeps the file's own, decided by its first line
   * break (CRLF stays CRLF; a lone CR becomes LF); `lf` or `crlf` force one.
   */
  endOfLine?: 'auto' | 'lf' | 'crlf';
}

export interface FormatSuccess {
  output: string;
  /** False when the file is already formatted (`output === text`). */
  changed: boolean;
}

/** Why a file was not formatted: its error-severity syntax diagnostics (or a line the formatter cannot place). */
export interface FormatFailure {
  error: Diagnostic[];
}

export type FormatResult = FormatSuccess | FormatFailure;

export interface RangeFormatSuccess {
  /** At most one edit: the whole prompts and blocks the range touches, reprinted. */
  edits: TextEdit[];
}

export type RangeFormatResult = RangeFormatSuccess | FormatFailure;

const BOM = '\uFEFF';

function lineEnding(text: string, options: FormatOptions): string {
  const wanted = options.endOfLine ?? 'auto';
  if (wanted === 'lf') return '\n';
  if (wanted === 'crlf') return '\r\n';
  const first = text.search(/[\r\n]/);
  return first !== -1 && text[first] === '\r' && text[first + 1] === '\n' ? '\r\n' : '\n';
}

function withLineEnding(text: string, eol: string): string {
  return eol === '\n' ? text : text.replace(/\n/g, eol);
}

function internalFailure(code: string, message: string): FormatFailure {
  const start = { offset: 0, line: 0, column: 0 };
  return { error: [{ code, severity: 'error', message, range: { start, end: start } }] };
}

function parseSafely(text: string): ReturnType<typeof parse> | FormatFailure {
  try {
    return parse(text);
  } catch (error) {
    // parse() promises never to throw; if it does, the file is left alone, never half-printed.
    const message = error instanceof Error ? error.message : String(error);
    return internalFailure('format/parser-failure', `The parser failed (${message}); the file is left unchanged.`);
  }
}

function layoutOf(text: string): FileLayout | FormatFailure {
  const parsed = parseSafely(text);
  if ('error' in parsed) return parsed;
  const { ast, diagnostics, lines } = parsed;
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0) return { error: errors };
  try {
    const layout = layoutFile(text, ast, lines);
    return 'error' in layout ? { error: [layout.error] } : layout;
  } catch (error) {
    // E.g. brackets nested deeper than the call stack: refuse rather than crash.
    return internalFailure('format/internal', `The formatter failed (${error instanceof Error ? error.message : String(error)}); the file is left unchanged.`);
  }
}

/** Formats a whole prompt file. */
export function format(text: string, options: FormatOptions = {}): FormatResult {
  const layout = layoutOf(text);
  if ('error' in layout) return layout;
  let output = withLineEnding(renderItems(layout.items, layout.blankBefore), lineEnding(text, options));
  // A bare prompt's text starts with the byte order mark itself: keep exactly one.
  if (text.startsWith(BOM)) output = BOM + (output.startsWith(BOM) ? output.slice(1) : output);
  return { output, changed: output !== text };
}

/** True for the items that start a unit: a prompt, a fragment, an include, a file-level block. */
function startsUnit(item: LayoutItem, seenUnitHeader: boolean): boolean {
  return item.kind === 'unit-header' || item.kind === 'include' || (item.kind === 'header' && !seenUnitHeader);
}

/** [first, last] item index of each unit; comments written directly above a unit belong to it. */
function units(layout: FileLayout): Array<[number, number]> {
  const { items, blankBefore } = layout;
  const starts = new Set<number>([0]);
  let seenUnitHeader = false;
  items.forEach((item, i) => {
    if (!startsUnit(item, seenUnitHeader)) return;
    if (item.kind === 'unit-header') seenUnitHeader = true;
    let first = i;
    while (first > 0 && items[first - 1]!.kind === 'comment' && !blankBefore[first] && !starts.has(first - 1)) first--;
    starts.add(first);
  });
  const unique = [...starts].sort((a, b) => a - b);
  return unique.map((start, k) => [start, (unique[k + 1] ?? items.length) - 1]);
}

/**
 * Formats the smallest run of whole prompts and blocks that contains the document range
 * [start, end) (UTF-16 offsets), for the language server's range formatting.
 */
export function formatRange(text: string, start: number, end: number, options: FormatOptions = {}): RangeFormatResult {
  const layout = layoutOf(text);
  if ('error' in layout) return layout;
  const { items, blankBefore, lineIndex } = layout;
  if (items.length === 0) return { edits: [] };
  const startLine = lineIndex.lineOf(Math.min(start, end));
  const endLine = lineIndex.lineOf(Math.max(start, end));
  const touched = units(layout).filter(([first, last]) => items[first]!.startLine <= endLine && items[last]!.endLine >= startLine);
  if (touched.length === 0) return { edits: [] };
  const from = touched[0]![0];
  const to = touched[touched.length - 1]![1] + 1;
  let editStart = lineIndex.lineStarts[items[from]!.startLine]!;
  if (editStart === 0 && text.startsWith(BOM)) editStart = 1;
  const editEnd = lineIndex.lineEnd(items[to - 1]!.endLine);
  let printed = renderItems(items, blankBefore, from, to).replace(/\n$/, '');
  if (editStart === 1 && printed.startsWith(BOM)) printed = printed.slice(1);
  const newText = withLineEnding(printed, lineEnding(text, options));
  if (text.slice(editStart, editEnd) === newText) return { edits: [] };
  return { edits: [{ start: editStart, end: editEnd, newText }] };
}

export { printPromptText } from './prompt-text.js';
export { canonicalWeight } from './numbers.js';
