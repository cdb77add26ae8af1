import type { Rule } from '../../types.js';

/** Every chunk past the first dilutes the others (A1111 concatenates the encodings). */
export const tooManyChunks: Rule = {
  meta: {
    id: 'tokens/too-many-chunks',
    category: 'tokens',
    description: 'A prompt longer than the configured number of 75-token chunks (default 3).',
    defaultSeverity: 'warn',
    requires: ['tokenizer'],
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { maxChunks: { type: 'integer', minimum: 1 } },
    },
    defaultOptions: { maxChunks: 3 },
    examples: {
      valid: [{ code: 'a house, a garden', tokenizer: true }, { code: `${'cat '.repeat(70)}`, tokenizer: true, options: { maxChunks: 1 } }],
      invalid: [{ code: `${'cat '.repeat(90)}`, tokenizer: true, options: { maxChunks: 1 }, errors: 1 }],
    },
  },
  check(context) {
    const tokenizer = context.tokenizer!;
    const maxChunks = Number(context.options.maxChunks);
    for (const site of context.promptTexts()) {
      const resolved = site.resolved;
      if (!resolved || site.role === 'fragment') continue;
      const { count, target } = tokenizer.count(resolved, context.engineOf(site.prompt));
      const chunks = Math.max(1, Math.ceil(target / 75));
      if (chunks <= maxChunks) continue;
      context.report({
        range: site.node.range,
        message: `${count}/${target} tokens: ${chunks} chunks of 75, more than ${maxChunks}${tokenizer.approximate ? ' (approximate count)' : ''}. Later chunks dilute the earlier ones; shorten the prompt.`,
      });
    }
  },
};
