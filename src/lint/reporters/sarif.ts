/**
 * SARIF 2.1.0 for GitHub code scanning (docs.github.com "SARIF support for code scanning"): one
 * run, the rules with help links, results with 1-based regions (columns in UTF-16 code units, the
 * SARIF default) relative to the working directory, and fixes as artifact changes.
 */
import path from 'node:path';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../types.js';
import type { FileReport, Reporter, ReportContext } from './types.js';
import { oneBased, visible } from './positions.js';

const INFORMATION_URI = 'https://github.com/sdprompt/sdprompt';

function level(severity: Diagnostic['severity']): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

function uriOf(filePath: string, cwd: string): string {
  const relative = path.isAbsolute(filePath) ? path.relative(cwd, filePath) : filePath;
  if (relative.startsWith('..') || path.isAbsolute(relative)) return new URL(`file://${path.resolve(filePath)}`).href;
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

function ruleDescriptor(rule: Rule) {
  const severity = rule.meta.defaultSeverity;
  return {
    id: rule.meta.id,
    name: rule.meta.id.replace(/[/-](\w)/g, (_, letter: string) => letter.toUpperCase()),
    shortDescription: { text: rule.meta.description },
    fullDescription: { text: rule.meta.rationale ?? rule.meta.description },
    helpUri: `${INFORMATION_URI}/blob/main/docs/rules/${rule.meta.id}.md`,
    defaultConfiguration: { level: severity === 'error' ? 'error' : severity === 'info' ? 'note' : 'warning', enabled: severity !== 'off' },
    properties: { category: rule.meta.category },
  };
}

export function toSarif(reports: readonly FileReport[], context: ReportContext) {
  const rules = [...context.rules];
  const index = new Map(rules.map((rule, position) => [rule.meta.id, position]));
  const extraRules = new Map<string, { id: string; shortDescription: { text: string } }>();
  const results = [];
  for (const report of reports) {
    const uri = uriOf(report.filePath, context.cwd);
    for (const diagnostic of visible(report.result.diagnostics, context.quiet)) {
      const range = oneBased(diagnostic);
      if (!index.has(diagnostic.code) && !extraRules.has(diagnostic.code)) {
        extraRules.set(diagnostic.code, { id: diagnostic.code, shortDescription: { text: `Diagnostic ${diagnostic.code} reported by the sdprompt parser or analyzer.` } });
      }
      const fixes = diagnostic.fix
        ? [
            {
              description: { text: diagnostic.fix.title },
              artifactChanges: [
                {
                  artifactLocation: { uri },
                  replacements: diagnostic.fix.edits.map((edit) => ({
                    deletedRegion: { charOffset: edit.start, charLength: edit.end - edit.start },
                    insertedContent: { text: edit.newText },
                  })),
                },
              ],
            },
          ]
        : undefined;
      results.push({
        ruleId: diagnostic.code,
        ...(index.has(diagnostic.code) ? { ruleIndex: index.get(diagnostic.code)! } : {}),
        level: level(diagnostic.severity),
        message: { text: diagnostic.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: diagnostic.file ? uriOf(diagnostic.file, context.cwd) : uri },
              region: { startLine: range.line, startColumn: range.column, endLine: range.endLine, endColumn: range.endColumn },
            },
          },
        ],
        ...(fixes ? { fixes } : {}),
      });
    }
  }
  // Codes without a rule (parser, analyzer) are listed after the rules so ruleIndex stays valid.
  const driverRules = [...rules.map(ruleDescriptor), ...extraRules.values()];
  for (const result of results) {
    if (result.ruleIndex === undefined) {
      (result as { ruleIndex?: number }).ruleIndex = driverRules.findIndex((rule) => rule.id === result.ruleId);
    }
  }
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'sdprompt', version: context.version, semanticVersion: context.version, informationUri: INFORMATION_URI, rules: driverRules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export const sarifReporter: Reporter = (reports, context) => JSON.stringify(toSarif(reports, context), null, 2) + '\n';
