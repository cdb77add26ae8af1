import type { Rule } from '../../types.js';
import { a1111Findings } from './findings.js';

/**
 * Reads A1111Conditioning.ambiguities (src/semantics/a1111): bracket structures for which A1111's
 * lark Earley parser picks between derivations by hash-seeded tie-breaking, so the result changes
 * between A1111 restarts.
 */
export const ambiguousStructure: Rule = {
  meta: {
    id: 'syntax/ambiguous',
    category: 'syntax',
    description: 'A bracket structure whose meaning in A1111 changes between restarts (its schedule parser is ambiguous here).',
    defaultSeverity: 'warn',
    rationale:
      'A1111 parses schedules with a lark Earley grammar that is ambiguous for some bracket structures; which reading wins depends on Python\'s hash seed, which changes with every start of A1111. sdprompt follows one documented reading (docs/semantics.md) but cannot make A1111 do the same. Rewrite the structure so it has one reading, e.g. by escaping literal brackets.',
    examples: { valid: [{ code: 'a [cat:dog:5] in a garden' }], invalid: [{ code: 'a [cat:1]] garden', errors: 1 }] },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      const resolved = site.resolved;
      // Without a '[' there is no schedule or alternation, so every reading gives the same text and
      // the (costly, lazily computed) A1111 model need not be built for this rule.
      if (!resolved || site.role === 'fragment' || !resolved.text.includes('[')) continue;
      for (const ambiguity of a1111Findings(resolved).ambiguities) {
        context.report({
          range: context.rangeInResolved(resolved, ambiguity.textStart, ambiguity.textEnd),
          // The semantics stage's message already says what differs and how to make it definite.
          message: ambiguity.message,
        });
      }
    }
  },
};
