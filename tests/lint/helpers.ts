import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRules, lint, lintAndFix, exampleLibrary, type LintOptions, type Rule, type RuleExample } from '../../src/lint/index.js';
import { parse } from '../../src/grammar/index.js';
import { readFileSync } from 'node:fs';
import { ClipTokenizer, PromptTokenCounter, vocabularyFromGzip } from '../../src/tokenizer/index.js';
import type { LintTokenizer } from '../../src/lint/index.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let sharedTokenizer: LintTokenizer | undefined;
/** The real tokenizer over ../shared/data/clip (a missing vocabulary fails the test, it does not skip it). */
export function clipTokenizer(): LintTokenizer {
  const file = path.resolve(repoRoot, '../shared/data/clip/bpe_simple_vocab_16e6.txt.gz');
  sharedTokenizer ??= new PromptTokenCounter(new ClipTokenizer(vocabularyFromGzip(readFileSync(file), file)));
  return sharedTokenizer;
}

/** Options that run only `rule` (at warn when its default is off), with the example's options and library. */
export function onlyRule(rule: Rule, example: RuleExample = { code: '' }): LintOptions {
  const rules = new Map<string, { severity: 'off' | 'info' | 'warn' | 'error'; options: Record<string, unknown> }>();
  for (const other of builtinRules) rules.set(other.meta.id, { severity: 'off', options: {} });
  const severity = rule.meta.defaultSeverity === 'off' ? 'warn' : rule.meta.defaultSeverity;
  rules.set(rule.meta.id, { severity, options: { ...(rule.meta.defaultOptions ?? {}), ...(example.options ?? {}) } });
  return {
    config: { rules, engine: example.settings?.engine ?? 'a1111' },
    ...(example.library ? { library: exampleLibrary(example.library) } : {}),
    ...(example.tokenizer ? { tokenizer: clipTokenizer() } : {}),
  };
}

export function ruleById(id: string): Rule {
  const rule = builtinRules.find((candidate) => candidate.meta.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

/** Diagnostics of one rule on a text, with only that rule enabled. */
export function run(id: string, code: string, example: Partial<RuleExample> = {}) {
  const rule = ruleById(id);
  return lint(code, onlyRule(rule, { code, ...example })).diagnostics.filter((diagnostic) => diagnostic.code === id);
}

export function fix(id: string, code: string, example: Partial<RuleExample> = {}) {
  const rule = ruleById(id);
  return lintAndFix(code, onlyRule(rule, { code, ...example }));
}

export function syntaxErrorCount(text: string): number {
  return parse(text).diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
}
