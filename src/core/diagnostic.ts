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
