/**
 * Library problems use the one Diagnostic shape of every stage. They concern a file on disk (or an
 * engine URL), not a position in a prompt file, so the range is empty at offset 0 and `file` names
 * the file.
 */
import type { Diagnostic, Severity } from '../core/diagnostic.js';

const START = { offset: 0, line: 0, column: 0 };

/**
 * Codes: `library/corrupt-file`, `library/bad-sidecar`, `library/duplicate-alias`,
 * `library/duplicate-name`, `library/missing-folder`, `library/unreadable`, `library/outside-root`,
 * `library/too-many-files`, `library/not-a-lora`, `library/bad-wildcard`, `library/engine-unreachable`,
 * `library/engine-response`, `library/index-corrupt`.
 */
export function fileDiagnostic(code: string, severity: Severity, message: string, file: string): Diagnostic {
  return { code, severity, message, range: { start: START, end: START }, file };
}
