/**
 * Applying fixes as ESLint does: one pass takes the fixes in document order and skips any that
 * overlaps one already taken (the next pass, after re-linting, gets another chance at it).
 * `lintAndFix` in ./lint.ts repeats passes to a fixpoint, at most MAX_FIX_PASSES times.
 */
import type { Diagnostic, Fix, TextEdit } from '../core/diagnostic.js';

export const MAX_FIX_PASSES = 10;

export interface FixPassResult {
  output: string;
  /** The diagnostics whose fix was applied. */
  applied: Diagnostic[];
  /** Fixable diagnostics left for another pass (overlapping an applied fix). */
  skipped: Diagnostic[];
}

function span(fix: Fix): [number, number] {
  let start = Infinity;
  let end = -Infinity;
  for (const edit of fix.edits) {
    start = Math.min(start, edit.start);
    end = Math.max(end, edit.end);
  }
  return [start, end];
}

/**
 * Applies the non-overlapping `fix`es of `diagnostics` to `text` in one pass.
 */
export function applyFixes(text: string, diagnostics: readonly Diagnostic[]): FixPassResult {
  const fixable = diagnostics
    .filter((diagnostic) => diagnostic.fix && diagnostic.fix.edits.length > 0)
    .map((diagnostic) => ({ diagnostic, span: span(diagnostic.fix!) }))
    .filter(({ span: [start, end] }) => start >= 0 && end <= text.length && start <= end)
    .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  const applied: Diagnostic[] = [];
  const skipped: Diagnostic[] = [];
  const edits: TextEdit[] = [];
  let lastEnd = -1;
  for (const { diagnostic, span: [start, end] } of fixable) {
    // As ESLint's source-code-fixer: touching counts as overlapping (the order of the two would be a guess).
    if (start <= lastEnd) {
      skipped.push(diagnostic);
      continue;
    }
    applied.push(diagnostic);
    edits.push(...diagnostic.fix!.edits);
    lastEnd = end;
  }
  return { output: applyEdits(text, edits), applied, skipped };
}

/** Applies non-overlapping edits (any order given); later edits in the text are applied first. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let output = text;
  for (const edit of sorted) output = output.slice(0, edit.start) + edit.newText + output.slice(edit.end);
  return output;
}
