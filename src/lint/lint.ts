/**
 * The linter's entry points: `lint(text, options)` parses, analyzes and runs the rules;
 * `lintAndFix` repeats lint + applyFixes to a fixpoint as ESLint does (at most 10 passes).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { parse } from '../grammar/index.js';
import { analyze } from '../semantics/analyze.js';
import type { ResolvedConfig } from '../config/types.js';
import { applyFixes, MAX_FIX_PASSES } from './fix.js';
import { builtinRules } from './registry.js';
import { runRules, type RuleConfig } from './runner.js';
import type { LintLibrary, LintResult, LintSettings, LintTokenizer, Rule, RuleSeverity } from './types.js';

export type { LintResult } from './types.js';

export interface LintOptions {
  /** Path of the file (for includes, messages and overrides); absent for unnamed stdin. */
  filePath?: string;
  /** The configuration for this file (ConfigLoader.forFile). Without it: the `recommended` preset. */
  config?: Pick<ResolvedConfig, 'rules' | 'engine'> & Partial<Pick<ResolvedConfig, 'reportUnusedDisableDirectives'>>;
  /** The rules to run; the built-in ones by default. */
  rules?: readonly Rule[];
  library?: LintLibrary;
  tokenizer?: LintTokenizer;
  /** Reads included files (`@include`); without it includes are reported as unreadable by analyze. */
  readFile?: (path: string) => string | undefined;
  /** Overrides the configuration's reportUnusedDisableDirectives. */
  reportUnusedDisableDirectives?: RuleSeverity;
  noInlineConfig?: boolean;
}

export interface FixResult extends LintResult {
  /** The text after all passes (equal to the input when nothing was fixed). */
  output: string;
  /** How many fixes were applied over all passes. */
  fixCount: number;
  passes: number;
}

function settingsOf(options: LintOptions): LintSettings {
  return { engine: options.config?.engine ?? 'a1111' };
}

function ruleConfigOf(options: LintOptions): ReadonlyMap<string, RuleConfig> {
  return options.config?.rules ?? new Map();
}

export function lint(text: string, options: LintOptions = {}): LintResult {
  const parsed = parse(text);
  const model = analyze(parsed.ast, { path: options.filePath, readFile: options.readFile });
  const foreign = [...parsed.diagnostics, ...model.diagnostics];
  const { diagnostics, skipped } = runRules(text, parsed.ast, model, foreign, {
    rules: options.rules ?? builtinRules,
    ruleConfig: ruleConfigOf(options),
    settings: settingsOf(options),
    filePath: options.filePath,
    library: options.library,
    tokenizer: options.tokenizer,
    reportUnusedDisableDirectives: options.reportUnusedDisableDirectives ?? options.config?.reportUnusedDisableDirectives ?? 'off',
    noInlineConfig: options.noInlineConfig,
  });
  return summarize(diagnostics, skipped, parsed.diagnostics.some((diagnostic) => diagnostic.severity === 'error'));
}

function summarize(diagnostics: Diagnostic[], skipped: LintResult['skipped'], hasSyntaxErrors: boolean): LintResult {
  let errorCount = 0;
  let warningCount = 0;
  let infoCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity === 'error') {
      errorCount++;
      if (diagnostic.fix) fixableErrorCount++;
    } else if (diagnostic.severity === 'warning') {
      warningCount++;
      if (diagnostic.fix) fixableWarningCount++;
    } else infoCount++;
  }
  return { diagnostics, errorCount, warningCount, infoCount, fixableErrorCount, fixableWarningCount, hasSyntaxErrors, skipped };
}

/**
 * Lints and applies safe fixes until none is left (or MAX_FIX_PASSES). A file with syntax errors
 * is never changed, and a pass whose output parses with more errors than its input is discarded.
 */
export function lintAndFix(text: string, options: LintOptions = {}): FixResult {
  let current = text;
  let result = lint(current, options);
  let fixCount = 0;
  let passes = 0;
  if (result.hasSyntaxErrors) return { ...result, output: text, fixCount: 0, passes: 0 };
  while (passes < MAX_FIX_PASSES && result.diagnostics.some((diagnostic) => diagnostic.fix)) {
    const pass = applyFixes(current, result.diagnostics);
    if (pass.applied.length === 0 || pass.output === current) break;
    const next = lint(pass.output, options);
    if (next.hasSyntaxErrors) break;
    passes++;
    fixCount += pass.applied.length;
    current = pass.output;
    result = next;
  }
  return { ...result, output: current, fixCount, passes };
}

/** The one note per run that says how to enable the rules that were skipped. */
export function skippedRuleNotes(skipped: Iterable<{ ruleId: string; needs: 'library' | 'tokenizer' }>): string[] {
  const byNeed = new Map<string, Set<string>>();
  for (const { ruleId, needs } of skipped) {
    const set = byNeed.get(needs) ?? new Set<string>();
    set.add(ruleId);
    byNeed.set(needs, set);
  }
  const notes: string[] = [];
  const library = byNeed.get('library');
  if (library) {
    notes.push(
      `${library.size} rule${library.size === 1 ? '' : 's'} (${[...library].sort().join(', ')}) skipped: no LoRA library configured. ` +
        'Set "library": {"loraDirs": ["path/to/Lora"]} (or "a1111Root" / "comfyuiRoot") in sdprompt.config.json.',
    );
  }
  const tokenizer = byNeed.get('tokenizer');
  if (tokenizer) {
    notes.push(
      `${tokenizer.size} rule${tokenizer.size === 1 ? '' : 's'} (${[...tokenizer].sort().join(', ')}) skipped: no CLIP vocabulary found. ` +
        'Set "tokenizer": {"vocab": "path/to/vocab"} in sdprompt.config.json or SDPROMPT_CLIP_VOCAB.',
    );
  }
  return notes;
}
