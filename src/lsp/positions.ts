/**
 * Conversions between the project's ranges (UTF-16 offsets plus 0-based line/column, see
 * src/grammar/ast.ts) and LSP's. Both count columns in UTF-16 code units, so an AST range maps to
 * an LSP range field by field; edits in offsets go through the document's own line index.
 */
import type { Range as LspRange, TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from '../grammar/ast.js';
import type { TextEdit } from '../core/diagnostic.js';

export function toLspRange(range: Range): LspRange {
  return {
    start: { line: range.start.line, character: range.start.column },
    end: { line: range.end.line, character: range.end.column },
  };
}

export function offsetRange(document: TextDocument, start: number, end: number): LspRange {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}

export function toLspEdit(document: TextDocument, edit: TextEdit): LspTextEdit {
  return { range: offsetRange(document, edit.start, edit.end), newText: edit.newText };
}

/** True when `offset` lies inside `range`, ends included (a cursor right after a node still touches it). */
export function touches(range: Range, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}

/** The smallest set of edits turning `before` into `after`: one edit over the differing middle. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const limit = Math.min(before.length, after.length);
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  // Never split a surrogate pair: widen to whole code points.
  if (start > 0 && isLowSurrogate(before.charCodeAt(start))) start--;
  if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
    endBefore++;
    endAfter++;
  }
  return { start, end: endBefore, newText: after.slice(start, endAfter) };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
