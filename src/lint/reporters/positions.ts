/** Conversions shared by the reporters: 0-based LSP positions → 1-based lines and columns. */
import type { Diagnostic } from '../../core/diagnostic.js';
import { applyEdits } from '../fix.js';

export interface OneBasedRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function oneBased(diagnostic: Diagnostic): OneBasedRange {
  const { start, end } = diagnostic.range;
  return { line: start.line + 1, column: start.column + 1, endLine: end.line + 1, endColumn: end.column + 1 };
}

/** ESLint's single-edit fix shape `{range: [start, end], text}` from one or more edits. */
export function eslintFix(source: string, diagnostic: Diagnostic): { range: [number, number]; text: string } | undefined {
  const fix = diagnostic.fix;
  if (!fix || fix.edits.length === 0) return undefined;
  const start = Math.min(...fix.edits.map((edit) => edit.start));
  const end = Math.max(...fix.edits.map((edit) => edit.end));
  const shifted = fix.edits.map((edit) => ({ ...edit, start: edit.start - start, end: edit.end - start }));
  return { range: [start, end], text: applyEdits(source.slice(start, end), shifted) };
}

/** Diagnostics a reporter shows: all, or errors only with --quiet. */
export function visible(diagnostics: readonly Diagnostic[], quiet: boolean): Diagnostic[] {
  return quiet ? diagnostics.filter((diagnostic) => diagnostic.severity === 'error') : [...diagnostics];
}
