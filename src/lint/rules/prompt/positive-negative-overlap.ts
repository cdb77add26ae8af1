import type { Rule } from '../../types.js';
import { tagsOf } from '../../walk.js';

/** A tag asked for and against at once: the two conditionings pull against each other. */
export const positiveNegativeOverlap: Rule = {
  meta: {
    id: 'prompt/positive-negative-overlap',
    category: 'prompt',
    description: 'A tag that is in both the positive and the negative prompt.',
    defaultSeverity: 'warn',
    examples: {
      valid: [{ code: '@prompt\na house, garden\n@negative\nbad quality' }],
      invalid: [{ code: '@prompt\na house, garden\n@negative\nbad quality, garden', errors: 1 }],
    },
  },
  check(context) {
    for (const prompt of context.model.prompts) {
      if (!prompt.negative) continue;
      const positive = new Set(tagsOf(prompt.positive.node.body).flatMap((tag) => (tag.plain ? [tag.plain] : [])));
      for (const tag of tagsOf(prompt.negative.node.body)) {
        if (!tag.plain || !positive.has(tag.plain)) continue;
        context.report({
          range: tag.range,
          message: `'${tag.plain}' is in both the positive and the negative prompt${prompt.name ? ` of '${prompt.name}'` : ''}; they work against each other. Remove it from one of them.`,
        });
      }
    }
  },
};
