/**
 * Checks the parser makes while building the AST (src/grammar), exposed as rules so that they
 * have docs, show in `sdprompt rules` and take a severity from configuration. Each re-reports the
 * parser's diagnostics of its own id (the runner drops the parser's copies when a rule has the id).
 */
import type { Rule, RuleMeta } from '../../types.js';

function parserRule(meta: Omit<RuleMeta, 'category'>): Rule {
  return {
    meta: { ...meta, category: 'syntax' },
    check(context) {
      for (const diagnostic of context.foreignDiagnostics) {
        if (diagnostic.code !== meta.id || diagnostic.file !== undefined) continue;
        context.report({
          range: diagnostic.range,
          message: diagnostic.message,
          ...(diagnostic.fix ? { fix: diagnostic.fix } : {}),
          ...(diagnostic.suggestions ? { suggestions: diagnostic.suggestions } : {}),
        });
      }
    },
  };
}

export const unmatchedBracket = parserRule({
  id: 'syntax/unmatched-bracket',
  description: 'A ")" or "]" that closes nothing (A1111 keeps it as a literal character).',
  defaultSeverity: 'warn',
  fixable: 'suggestion',
  examples: { valid: [{ code: 'a (house), \\) literal' }], invalid: [{ code: 'a house), garden', errors: 1 }] },
});

export const badNumber = parserRule({
  id: 'syntax/bad-number',
  description: 'A weight or step A1111 cannot read as a number (`1..2`): generation fails.',
  defaultSeverity: 'error',
  examples: { valid: [{ code: '(house:1.2)' }], invalid: [{ code: '(house:1..2)', errors: 1 }] },
});

export const strayPipe = parserRule({
  id: 'syntax/stray-pipe',
  description: "A `|` outside `[a|b]`: A1111's schedule parser then rejects the whole prompt.",
  defaultSeverity: 'warn',
  examples: { valid: [{ code: 'a [cat|dog]' }], invalid: [{ code: 'a cat | dog', errors: 1 }] },
});
