import type { Rule } from '../../types.js';
import { a1111Findings } from './findings.js';

/**
 * A1111 modules/prompt_parser.py get_learned_conditioning_prompt_schedules: when its lark grammar
 * rejects the text (a `|` outside `[…]`, a trailing `\`), it uses the whole text at every step, so
 * no schedule or alternation in that prompt takes effect.
 */
export const scheduleFallback: Rule = {
  meta: {
    id: 'syntax/schedule-fallback',
    category: 'syntax',
    description: "A prompt A1111's schedule grammar rejects, so its [from:to:when] and [a|b] are used as plain text.",
    defaultSeverity: 'warn',
    examples: {
      valid: [{ code: 'a [cat|dog] in a garden' }],
      invalid: [{ code: 'a [cat:dog:5] | garden', errors: 1 }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      const resolved = site.resolved;
      // Only a prompt with a '[' has schedules or alternations to lose; skip the A1111 model otherwise.
      if (!resolved || site.role === 'fragment' || !resolved.text.includes('[') || !a1111Findings(resolved).scheduleFallback) continue;
      context.report({
        range: site.node.range,
        message:
          "A1111's schedule grammar rejects this prompt (for example a '|' outside '[…]' or a trailing '\\'), so it uses the whole text unchanged at every step: no [from:to:when] or [a|b] here takes effect. Escape the stray character.",
      });
    }
  },
};
