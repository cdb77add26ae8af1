/**
 * Document and range formatting through src/format (`format`, `formatRange`). The formatter refuses
 * files with syntax errors (it never rewrites what it cannot read); the server then returns no
 * edits and says why in the log, rather than touching the text. Edits are minimal (the changed
 * middle only) so cursors and folds outside the change stay where they are.
 */
import type { TextEdit as LspTextEdit } from 'vscode-languageserver';
import { minimalEdit, toLspEdit } from '../positions.js';
import type { FormatOutput } from '../toolchain.js';
import type { FeatureContext } from './context.js';

export interface FormattingResult {
  edits: LspTextEdit[];
  /** Why nothing was changed, when the formatter refused. */
  refused?: string;
}

export function formatDocument(context: FeatureContext, range?: { start: number; end: number }): FormattingResult {
  const { toolchain, analysis } = context;
  const text = analysis.text;
  let result: FormatOutput | undefined;
  if (range && toolchain.formatRange) result = toolchain.formatRange(text, range.start, range.end);
  else if (toolchain.format) result = toolchain.format(text);
  if (!result) return { edits: [], refused: 'no formatter is available' };
  if ('error' in result) {
    const first = result.error[0];
    const where = first ? ` (line ${first.range.start.line + 1}: ${first.message})` : '';
    return { edits: [], refused: `the file has syntax errors${where}` };
  }
  const edit = minimalEdit(text, result.output);
  return { edits: edit ? [toLspEdit(context.document, edit)] : [] };
}
