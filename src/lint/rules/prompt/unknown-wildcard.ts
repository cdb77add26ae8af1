import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

/** `__name__` with no wildcard file of that name: dynamicprompts leaves it (or fails), A1111 encodes it as text. */
export const unknownWildcard: Rule = {
  meta: {
    id: 'prompt/unknown-wildcard',
    category: 'prompt',
    description: 'A `__wildcard__` with no matching wildcard file in the library.',
    defaultSeverity: 'warn',
    requires: ['library'],
    examples: {
      valid: [{ code: 'a __colors__ house', library: { wildcards: ['colors'] } }],
      invalid: [{ code: 'a __colours__ house', errors: 1, library: { wildcards: ['colors'] } }],
    },
  },
  check(context) {
    const library = context.library!;
    if (!library.indexesWildcards) return;
    for (const site of context.promptTexts()) {
      for (const { node } of walk(site.node.body)) {
        if (node.kind !== 'wildcard' || library.hasWildcard(node.name)) continue;
        context.report({
          range: node.range,
          message: `No wildcard file '${node.name}' in the library: the wildcard extension cannot expand '__${node.name}__'. Check the name or add the file.`,
        });
      }
    }
  },
};
