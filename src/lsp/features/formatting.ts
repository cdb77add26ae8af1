/**
 * Document and range formatting through src/format (`format`, `formatRange`). The formatter refuses
 * files with syntax errors (it never rewrites what it cannot read); the server then returns no
 * edits and says why in the log, rather than touching the text. Edits are minimal (the changed
 * middle only) so cursors and folds outside the change stay where they are.
 */
import type { TextEdit as LspTextEdit } from 'vscode-languageserver';
import { minimalEdit, toLspEdit } from '../positions.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { FormatOutput } from '../toolchain.js';
import type { FeatureContext } from './context.js';

export interface FormattingResult {
  edits: LspTextEdit[];
  /** Why nothing was changed, when the formatter refused. */
  refused?: string;
}

export function formatDocument(context: FeatureContext, range?: { start: number; end: number }): FormattingResult {
  const { toolchain, analysis, document } = context;
  const text = analysis.text;
  if (range && toolchain.formatRange) {
    const result = toolchain.formatRange(text, range.start, range.end);
    if ('error' in result) return { edits: [], refused: refusal(result.error) };
    // Narrow each reprinted block to what really changed.
    const edits = result.edits.flatMap((edit) => {
      const inner = minimalEdit(text.slice(edit.start, edit.end), edit.newText);
      return inner ? [toLspEdit(document, { start: edit.start + inner.start, end: edit.start + inner.end, newText: inner.newText })] : [];
    });
    return { edits };
  }
  if (!toolchain.format) return { edits: [], refused: 'no formatter is available' };
  const result: FormatOutput = toolchain.format(text);
  if ('error' in result) return { edits: [], refused: refusal(result.error) };
  const edit = minimalEdit(text, result.output);
  return { edits: edit ? [toLspEdit(document, edit)] : [] };
}

function refusal(errors: Diagnostic[]): string {
  const first = errors[0];
  const where = first ? ` (line ${first.range.start.line + 1}: ${first.message})` : '';
  return `the file has syntax errors${where}`;
}
