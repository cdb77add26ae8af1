/** ESLint's "stylish" layout: one block per file, `line:col  severity  message  rule`, and a summary. */
import path from 'node:path';
import type { Reporter } from './types.js';
import { visible } from './positions.js';

const paint = (enabled: boolean, code: string, text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);

export const stylishReporter: Reporter = (reports, context) => {
  const color = context.color;
  let output = '';
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let fixableErrors = 0;
  let fixableWarnings = 0;
  for (const { filePath, result } of reports) {
    const diagnostics = visible(result.diagnostics, context.quiet);
    if (diagnostics.length === 0) continue;
    const shown = path.isAbsolute(filePath) ? path.relative(context.cwd, filePath) || filePath : filePath;
    const rows = diagnostics.map((diagnostic) => {
      const severity = diagnostic.severity === 'error' ? 'error' : diagnostic.severity === 'warning' ? 'warning' : 'info';
      if (severity === 'error') {
        errors++;
        if (diagnostic.fix) fixableErrors++;
      } else if (severity === 'warning') {
        warnings++;
        if (diagnostic.fix) fixableWarnings++;
      } else infos++;
      return {
        position: `${diagnostic.range.start.line + 1}:${diagnostic.range.start.column + 1}`,
        severity,
        message: diagnostic.message.replace(/\s*\n\s*/g, ' '),
        code: diagnostic.code,
      };
    });
    const positionWidth = Math.max(...rows.map((row) => row.position.length));
    const severityWidth = Math.max(...rows.map((row) => row.severity.length));
    output += `\n${paint(color, '4', shown)}\n`;
    for (const row of rows) {
      const severityColor = row.severity === 'error' ? '31' : row.severity === 'warning' ? '33' : '36';
      output += `  ${paint(color, '2', row.position.padEnd(positionWidth))}  ${paint(color, severityColor, row.severity.padEnd(severityWidth))}  ${row.message}  ${paint(color, '2', row.code)}\n`;
    }
  }
  const total = errors + warnings;
  if (total === 0 && infos === 0) return '';
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const summary = `${total > 0 ? '\u2716' : '\u2139'} ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos ? `, ${infos} info` : ''})`;
  output += `\n${paint(color, errors > 0 ? '1;31' : total > 0 ? '1;33' : '1;36', summary)}\n`;
  if (fixableErrors + fixableWarnings > 0) {
    output += paint(color, errors > 0 ? '1;31' : '1;33', `  ${plural(fixableErrors, 'error')} and ${plural(fixableWarnings, 'warning')} potentially fixable with the \`--fix\` option.`) + '\n';
  }
  return output + '\n';
};
