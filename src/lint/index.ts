/** The linter: rules over the AST and the semantic model, with fixes as data. See docs/linting.md. */
export { lint, lintAndFix, skippedRuleNotes, type LintOptions, type LintResult, type FixResult } from './lint.js';
export { applyFixes, applyEdits, MAX_FIX_PASSES, type FixPassResult } from './fix.js';
export { builtinRules, ruleMap, presetNames, presetSeverity, type PresetName } from './registry.js';
export { runRules, collectPromptTexts, toDiagnosticSeverity, type RunOptions, type RunResult, type RuleConfig } from './runner.js';
export { UNUSED_DIRECTIVE_CODE, UNKNOWN_RULE_IN_DIRECTIVE_CODE } from './directives.js';
export type * from './types.js';
export { exampleLibrary } from './example-library.js';
export { ruleDoc, rulesIndex } from './rule-docs.js';
export { LineIndex } from '../grammar/line-index.js';
