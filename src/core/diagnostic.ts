import type { Range } from '../grammar/ast.js';

/** 1 = warning, 2 = error, as ESLint counts them; 'info' and 'hint' never fail a run. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A text edit on the document, in UTF-16 offsets (end exclusive). */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** A fix or suggestion: one or more edits applied together. */
export interface Fix {
  /** What the fix does, shown in quick-fix menus ("Replace with <lora:JL_sectionplan:0.1>"). */
  title: string;
  edits: TextEdit[];
}

/**
 * Every stage (parser, file checks, semantics, linter, compiler) reports with this one shape.
 * `code` is a stable id: a lint rule id (`lora/unknown`), or `syntax/…`, `params/…`, `engine/…`.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  /** A safe fix, applied by `--fix`. */
  fix?: Fix;
  /** Alternatives the user may choose; never applied automatically. */
  suggestions?: Fix[];
  /** Path of the file the range belongs to, when it is not the file being checked (includes). */
  file?: string;
}

/**
 * Each problem once: the same code, range, message and file reported twice (a fragment used by
 * several prompts, a parser finding a rule re-reports) keeps its first report, in order.
 */
export function dedupeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const key = `${diagnostic.file ?? ''}\0${diagnostic.code}\0${diagnostic.range.start.offset}\0${diagnostic.range.end.offset}\0${diagnostic.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
