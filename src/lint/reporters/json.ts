/**
 * ESLint's JSON formatter shape (lib/cli-engine/formatters/json.js), so tools that read ESLint
 * output read ours: severity 1 = warning, 2 = error; lines and columns 1-based (columns in UTF-16
 * code units, as ESLint counts them). Info and hint diagnostics have no ESLint severity and are
 * left out.
 */
import type { Reporter } from './types.js';
import { eslintFix, oneBased, visible } from './positions.js';

export interface EslintMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fix?: { range: [number, number]; text: string };
  suggestions?: Array<{ desc: string; fix: { range: [number, number]; text: string } }>;
}

export interface EslintResult {
  filePath: string;
  messages: EslintMessage[];
  errorCount: number;
  warningCount: number;
  fatalErrorCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  source?: string;
  output?: string;
}

export function toEslintResults(reports: Parameters<Reporter>[0], quiet: boolean): EslintResult[] {
  return reports.map(({ filePath, source, result, output }) => {
    const messages: EslintMessage[] = [];
    let errorCount = 0;
    let warningCount = 0;
    let fixableErrorCount = 0;
    let fixableWarningCount = 0;
    let fatalErrorCount = 0;
    for (const diagnostic of visible(result.diagnostics, quiet)) {
      if (diagnostic.severity !== 'error' && diagnostic.severity !== 'warning') continue;
      const severity = diagnostic.severity === 'error' ? 2 : 1;
      const fix = eslintFix(source, diagnostic);
      const suggestions = (diagnostic.suggestions ?? []).flatMap((suggestion) => {
        const converted = eslintFix(source, { ...diagnostic, fix: suggestion });
        return converted ? [{ desc: suggestion.title, fix: converted }] : [];
      });
      messages.push({
        ruleId: diagnostic.code,
        severity,
        message: diagnostic.message,
        ...oneBased(diagnostic),
        ...(fix ? { fix } : {}),
        ...(suggestions.length ? { suggestions } : {}),
      });
      if (severity === 2) {
        errorCount++;
        if (fix) fixableErrorCount++;
        // ESLint's fatal errors are parse errors: here the parser's error-level syntax diagnostics.
        if (diagnostic.code.startsWith('syntax/') && result.hasSyntaxErrors) fatalErrorCount++;
      } else {
        warningCount++;
        if (fix) fixableWarningCount++;
      }
    }
    const hasProblems = messages.length > 0;
    return {
      filePath,
      messages,
      errorCount,
      warningCount,
      fatalErrorCount,
      fixableErrorCount,
      fixableWarningCount,
      // ESLint includes the source only for files with problems.
      ...(hasProblems && output === undefined ? { source } : {}),
      ...(output !== undefined ? { output } : {}),
    };
  });
}

export const jsonReporter: Reporter = (reports, context) => JSON.stringify(toEslintResults(reports, context.quiet)) + '\n';
