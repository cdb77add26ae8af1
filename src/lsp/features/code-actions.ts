/**
 * Code actions: a quick fix for every diagnostic with a fix or suggestions (the safe fix marked
 * preferred, so "auto fix" applies it), and `source.fixAll.sdprompt`, which applies every safe fix
 * to a fixpoint through the linter's own applyFixes (the same result as `sdprompt lint --fix`).
 */
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { Diagnostic, Fix } from '../../core/diagnostic.js';
import { minimalEdit, toLspEdit } from '../positions.js';
import type { FeatureContext } from './context.js';
import { toLspDiagnostic } from './diagnostics.js';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.sdprompt`;

export function codeActions(context: FeatureContext, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
  const actions: CodeAction[] = [];
  const { document, analysis } = context;
  const from = document.offsetAt(params.range.start);
  const to = document.offsetAt(params.range.end);
  if (wants(CodeActionKind.QuickFix)) {
    for (const diagnostic of analysis.diagnostics) {
      if (diagnostic.file) continue;
      if (diagnostic.range.end.offset < from || diagnostic.range.start.offset > to) continue;
      const lspDiagnostic = toLspDiagnostic(diagnostic);
      const fixes: Array<{ fix: Fix; preferred: boolean }> = [];
      if (diagnostic.fix) fixes.push({ fix: diagnostic.fix, preferred: true });
      for (const suggestion of diagnostic.suggestions ?? []) fixes.push({ fix: suggestion, preferred: false });
      for (const { fix, preferred } of fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [lspDiagnostic],
          isPreferred: preferred,
          edit: { changes: { [document.uri]: fix.edits.map((edit) => toLspEdit(document, edit)) } },
        });
      }
    }
  }
  const fixAll = fixAllAction(context);
  if (fixAll && (wants(FIX_ALL_KIND) || (!only && actions.length > 0))) actions.push(fixAll);
  return actions;
}

export function fixAllAction(context: FeatureContext): CodeAction | undefined {
  const { document, analysis, toolchain } = context;
  const fixable = analysis.diagnostics.filter((diagnostic: Diagnostic) => diagnostic.fix && !diagnostic.file);
  if (fixable.length === 0) return undefined;
  const output = toolchain.applyFixes ? toolchain.applyFixes(analysis.text, fixable) : applyOnce(analysis.text, fixable);
  const edit = minimalEdit(analysis.text, output);
  if (!edit) return undefined;
  return {
    title: `Fix all sdprompt problems (${fixable.length})`,
    kind: FIX_ALL_KIND,
    edit: { changes: { [document.uri]: [toLspEdit(document, edit)] } },
  };
}

/** Without the linter's applyFixes: one pass of non-overlapping fixes, in order. */
function applyOnce(text: string, diagnostics: Diagnostic[]): string {
  const edits = diagnostics
    .flatMap((diagnostic) => (diagnostic.fix ? [diagnostic.fix.edits] : []))
    .sort((a, b) => (a[0]?.start ?? 0) - (b[0]?.start ?? 0));
  let output = '';
  let cursor = 0;
  for (const group of edits) {
    const sorted = [...group].sort((a, b) => a.start - b.start);
    if (sorted.length === 0 || sorted[0]!.start < cursor) continue;
    for (const edit of sorted) {
      output += text.slice(cursor, edit.start) + edit.newText;
      cursor = edit.end;
    }
  }
  return output + text.slice(cursor);
}

