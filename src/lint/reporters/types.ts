import type { LintResult } from '../types.js';
import type { Rule } from '../types.js';

/** One linted file, as the reporters get it. */
export interface FileReport {
  /** Absolute path (or `<stdin>` / the --stdin-filename). */
  filePath: string;
  /** The text that was linted (after fixes, when --fix ran), for fix ranges and SARIF replacements. */
  source: string;
  result: LintResult;
  /** With --fix-dry-run: the fixed text, when it differs (ESLint's `output`). */
  output?: string;
}

export interface ReportContext {
  /** For relative paths in SARIF and GitHub annotations. */
  cwd: string;
  color: boolean;
  /** Rules of the run, for SARIF's rule metadata and help links. */
  rules: readonly Rule[];
  version: string;
  /** With --quiet only errors are reported. */
  quiet: boolean;
}

export type Reporter = (reports: readonly FileReport[], context: ReportContext) => string;
