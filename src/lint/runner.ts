/**
 * The rule runner: given a parsed file and its semantic model, runs every enabled rule, merges in
 * the parser's and the analyzer's diagnostics (re-graded by configuration), applies inline
 * directives and returns the diagnostics in document order. Rules never see the raw text; the
 * runner keeps a line index only to turn offsets into positions.
 */
import { dedupeDiagnostics, type Diagnostic, type Severity } from '../core/diagnostic.js';
import type { PromptFile, PromptText, Range } from '../grammar/ast.js';
import type { FileModel, PromptModel, ResolvedPrompt } from '../semantics/model.js';
import { LineIndex } from '../grammar/line-index.js';
import { documentLines } from '../grammar/parse.js';
import {
  applyDirectives,
  parseDirectives,
  unknownRuleDiagnostics,
  unusedDirectiveDiagnostics,
  UNKNOWN_RULE_IN_DIRECTIVE_CODE,
  UNUSED_DIRECTIVE_CODE,
} from './directives.js';
import type {
  LintLibrary,
  LintSettings,
  LintTokenizer,
  PromptTextSite,
  Rule,
  RuleContext,
  RuleReport,
  RuleSeverity,
} from './types.js';

/** A rule's configured severity and options for this run. */
export interface RuleConfig {
  severity: RuleSeverity;
  options: Record<string, unknown>;
}

export interface RunOptions {
  rules: readonly Rule[];
  /** Severity and options per rule id (also re-grades parser / analyzer codes). Missing ids: the rule's default. */
  ruleConfig: ReadonlyMap<string, RuleConfig>;
  settings: LintSettings;
  filePath?: string;
  library?: LintLibrary;
  tokenizer?: LintTokenizer;
  /** Severity for directives that suppress nothing; 'off' by default. */
  reportUnusedDisableDirectives?: RuleSeverity;
  /** Ignore inline directives (ESLint's --no-inline-config). */
  noInlineConfig?: boolean;
}

export interface RunResult {
  diagnostics: Diagnostic[];
  /** Enabled rules that were skipped because what they need is not configured. */
  skipped: Array<{ ruleId: string; needs: 'library' | 'tokenizer' }>;
}

/** Codes other stages report; directives may name them. */
const FOREIGN_PREFIXES = ['syntax/', 'params/', 'include/', 'fragment/', 'lint/', 'engine/', 'semantics/'];

export function toDiagnosticSeverity(severity: RuleSeverity): Severity {
  return severity === 'error' ? 'error' : severity === 'warn' ? 'warning' : 'info';
}

/** Every prompt text of the file once: from the model when it has them, else straight from the AST. */
export function collectPromptTexts(file: PromptFile, model: FileModel): PromptTextSite[] {
  const sites: PromptTextSite[] = [];
  const seen = new Set<PromptText>();
  const add = (site: PromptTextSite) => {
    if (seen.has(site.node)) return;
    seen.add(site.node);
    sites.push(site);
  };
  const modelled = new Set(model.prompts.map((prompt) => prompt.node));
  for (const prompt of model.prompts) {
    add({ node: prompt.positive.node, role: 'positive', prompt, resolved: prompt.positive });
    if (prompt.negative) add({ node: prompt.negative.node, role: 'negative', prompt, resolved: prompt.negative });
  }
  for (const definition of file.prompts) {
    if (modelled.has(definition)) continue;
    add({ node: definition.positive, role: 'positive' });
    if (definition.negative) add({ node: definition.negative, role: 'negative' });
  }
  if (file.negative) add({ node: file.negative, role: 'negative' });
  for (const fragment of file.fragments) add({ node: fragment.text, role: 'fragment' });
  return sites;
}

const ruleIdSets = new WeakMap<readonly Rule[], ReadonlySet<string>>();

/** The ids of a rule list (the same list is passed for every file of a run). */
function ruleIdsOf(rules: readonly Rule[]): ReadonlySet<string> {
  let ids = ruleIdSets.get(rules);
  if (!ids) {
    ids = new Set(rules.map((rule) => rule.meta.id));
    ruleIdSets.set(rules, ids);
  }
  return ids;
}

export function runRules(
  text: string,
  file: PromptFile,
  model: FileModel,
  foreign: readonly Diagnostic[],
  options: RunOptions,
): RunResult {
  // The line index parse() built for this text, when the tree is of this text.
  const lines = file.source === text ? documentLines(file) : new LineIndex(text);
  const ruleIds = ruleIdsOf(options.rules);
  const diagnostics: Diagnostic[] = [];
  const skipped: RunResult['skipped'] = [];
  let sites: PromptTextSite[] | undefined;

  // Parser and analyzer findings: a rule with the same id is the authority (it reports them itself);
  // others keep their severity unless configuration says otherwise.
  for (const diagnostic of foreign) {
    if (ruleIds.has(diagnostic.code)) continue;
    const configured = options.ruleConfig.get(diagnostic.code);
    if (configured?.severity === 'off') continue;
    diagnostics.push(configured ? { ...diagnostic, severity: toDiagnosticSeverity(configured.severity) } : diagnostic);
  }

  // One context object for the whole file; only the rule-specific fields change between rules
  // (allocating a context per rule per file showed up in profiles of 10,000-file runs).
  let current: Rule = options.rules[0]!;
  let currentSeverity: Severity = 'warning';
  const context: { -readonly [K in keyof RuleContext]: RuleContext[K] } = {
    file,
    model,
    filePath: options.filePath,
    options: {},
    settings: options.settings,
    library: options.library,
    tokenizer: options.tokenizer,
    foreignDiagnostics: foreign,
    promptTexts: () => (sites ??= collectPromptTexts(file, model)),
    engineOf: (prompt?: PromptModel) => prompt?.parameters.engine ?? options.settings.engine,
    positionAt: (offset: number) => lines.position(offset),
    rangeInResolved: (resolved: ResolvedPrompt, start: number, end: number): Range => {
      const map = resolved.sourceMap;
      const startOffset = map[Math.max(0, Math.min(start, map.length - 1))]!;
      const endOffset = end > start ? map[Math.min(end - 1, map.length - 1)]! + 1 : startOffset;
      return { start: lines.position(startOffset), end: lines.position(Math.max(startOffset, endOffset)) };
    },
    report: (problem: RuleReport) => {
      const fixable = current.meta.fixable;
      diagnostics.push({
        code: current.meta.id,
        severity: problem.severity ?? currentSeverity,
        message: problem.message,
        range: problem.range,
        ...(problem.fix && fixable === 'code' ? { fix: problem.fix } : {}),
        ...(problem.suggestions?.length
          ? { suggestions: problem.suggestions }
          : problem.fix && fixable !== 'code'
            ? { suggestions: [problem.fix] }
            : {}),
      });
    },
  };

  for (const rule of options.rules) {
    const configured = options.ruleConfig.get(rule.meta.id);
    const severity = configured?.severity ?? rule.meta.defaultSeverity;
    if (severity === 'off') continue;
    const requires = rule.meta.requires;
    const needs = requires?.find((need) => (need === 'library' ? !options.library : !options.tokenizer));
    if (needs) {
      skipped.push({ ruleId: rule.meta.id, needs });
      continue;
    }
    current = rule;
    currentSeverity = toDiagnosticSeverity(severity);
    context.options = configured?.options ?? rule.meta.defaultOptions ?? {};
    try {
      rule.check(context);
    } catch (error) {
      // A broken rule must not take the run down: report it where the user can see it, and go on.
      diagnostics.push({
        code: 'lint/rule-error',
        severity: 'error',
        message: `Rule '${rule.meta.id}' failed on this file: ${error instanceof Error ? error.message : String(error)}. Please report this bug.`,
        range: { start: lines.position(0), end: lines.position(0) },
      });
    }
  }

  let result = dedupeDiagnostics(diagnostics);
  if (!options.noInlineConfig) {
    const directives = parseDirectives(file);
    if (directives.length > 0) {
      const isKnown = (code: string) => ruleIds.has(code) || FOREIGN_PREFIXES.some((prefix) => code.startsWith(prefix));
      const unknown = unknownRuleDiagnostics(directives, isKnown);
      result = applyDirectives(result, directives);
      result.push(...unknown);
      const unusedSeverity = options.reportUnusedDisableDirectives ?? 'off';
      if (unusedSeverity !== 'off') {
        result.push(
          ...unusedDirectiveDiagnostics(directives, toDiagnosticSeverity(unusedSeverity), (line) => lines.lineEndWithBreak(line)),
        );
      }
    }
  }
  result.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      a.range.start.offset - b.range.start.offset ||
      a.range.end.offset - b.range.end.offset ||
      a.code.localeCompare(b.code),
  );
  return { diagnostics: result, skipped };
}

export { UNUSED_DIRECTIVE_CODE, UNKNOWN_RULE_IN_DIRECTIVE_CODE };
