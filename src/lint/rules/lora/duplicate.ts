import type { Rule } from '../../types.js';
import { loraName, loraTags } from './shared.js';

/** The same LoRA twice in one prompt: A1111 loads one network per tag, so both multipliers apply. */
export const duplicateLora: Rule = {
  meta: {
    id: 'lora/duplicate',
    category: 'lora',
    description: 'The same LoRA tagged more than once in one prompt.',
    defaultSeverity: 'warn',
    fixable: 'suggestion',
    examples: {
      valid: [{ code: '<lora:archi_sketch:0.6> <lora:archi_watercolor:0.4>' }],
      invalid: [{ code: '<lora:archi_sketch:0.6>, a house, <lora:archi_sketch:0.4>', errors: 1 }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      if (site.role === 'negative') continue;
      const first = new Map<string, number>();
      for (const tag of loraTags(site)) {
        const name = loraName(tag);
        if (!name) continue;
        const key = name.toLowerCase();
        const firstLine = first.get(key);
        if (firstLine === undefined) {
          first.set(key, tag.range.start.line);
          continue;
        }
        context.report({
          range: tag.range,
          message: `LoRA '${name}' is already used on line ${firstLine + 1}; keep one tag with the weight you mean.`,
          suggestions: [{ title: 'Remove this tag', edits: [{ start: tag.range.start.offset, end: tag.range.end.offset, newText: '' }] }],
        });
      }
    }
  },
};
