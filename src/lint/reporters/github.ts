/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`). Escaping as @actions/core
 * command.ts does: data `%` → %25, CR → %0D, LF → %0A; properties also `:` → %3A and `,` → %2C.
 * GitHub shows at most 10 error, 10 warning and 10 notice annotations per step
 * (actions/toolkit docs/problem-matchers.md); the rest are printed as plain log lines, and a
 * summary line says how many were not annotated.
 */
import path from 'node:path';
import type { Reporter } from './types.js';
import { oneBased, visible } from './positions.js';

export const ANNOTATIONS_PER_LEVEL = 10;

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export const githubReporter: Reporter = (reports, context) => {
  const counts = { error: 0, warning: 0, notice: 0 };
  let overflow = 0;
  let output = '';
  for (const { filePath, result } of reports) {
    const file = (path.isAbsolute(filePath) ? path.relative(context.cwd, filePath) : filePath).split(path.sep).join('/');
    for (const diagnostic of visible(result.diagnostics, context.quiet)) {
      const command = diagnostic.severity === 'error' ? 'error' : diagnostic.severity === 'warning' ? 'warning' : 'notice';
      const range = oneBased(diagnostic);
      counts[command]++;
      if (counts[command] > ANNOTATIONS_PER_LEVEL) {
        overflow++;
        output += `${file}:${range.line}:${range.column}: ${command}: ${diagnostic.message.replace(/\r?\n/g, ' ')} [${diagnostic.code}]\n`;
        continue;
      }
      const properties = [
        `file=${escapeProperty(file)}`,
        `line=${range.line}`,
        `col=${range.column}`,
        `endLine=${range.endLine}`,
        `endColumn=${range.endColumn}`,
        `title=${escapeProperty(diagnostic.code)}`,
      ].join(',');
      output += `::${command} ${properties}::${escapeData(diagnostic.message)}\n`;
    }
  }
  const total = counts.error + counts.warning + counts.notice;
  if (total > 0) {
    output += `sdprompt: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.notice} notice(s)`;
    output += overflow > 0 ? `; ${overflow} shown above as log lines only (GitHub annotates at most ${ANNOTATIONS_PER_LEVEL} per level per step; use --format sarif for all)\n` : '\n';
  }
  return output;
};
