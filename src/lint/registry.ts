/**
 * Every built-in rule, by category. Each category folder's `index.ts` lists its rules, so adding a
 * rule touches only its own file and that list (the `engine/` list belongs to the compiler).
 */
import type { Rule, RuleSeverity } from './types.js';
import { syntaxRules } from './rules/syntax/index.js';
import { loraRules } from './rules/lora/index.js';
import { emphasisRules } from './rules/emphasis/index.js';
import { tokenRules } from './rules/tokens/index.js';
import { promptRules } from './rules/prompt/index.js';
import { parameterRules } from './rules/parameters/index.js';
import { engineRules } from './rules/engine/index.js';

export const builtinRules: readonly Rule[] = [
  ...syntaxRules,
  ...loraRules,
  ...emphasisRules,
  ...tokenRules,
  ...promptRules,
  ...parameterRules,
  ...engineRules,
];

/** Rules by id; built once per call site that needs it (no module-level state beyond the constant list). */
export function ruleMap(rules: readonly Rule[] = builtinRules): Map<string, Rule> {
  return new Map(rules.map((rule) => [rule.meta.id, rule]));
}

export type PresetName = 'recommended' | 'strict';

export const presetNames: readonly PresetName[] = ['recommended', 'strict'];

/**
 * `recommended`: each rule at its default severity. `strict`: every rule on, and what
 * `recommended` makes a warning becomes an error (info stays info: it never fails a run).
 */
export function presetSeverity(rule: Rule, preset: PresetName): RuleSeverity {
  const severity = rule.meta.defaultSeverity;
  if (preset === 'recommended') return severity;
  if (severity === 'off') return 'warn';
  if (severity === 'warn') return 'error';
  return severity;
}
