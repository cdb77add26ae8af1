import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

/**
 * A1111 processing.py parse_extra_network_prompts parses the positive prompt only: a `<lora:…>`
 * in the negative prompt is not activated, and its characters reach the text encoder as text.
 */
export const loraInNegative: Rule = {
  meta: {
    id: 'lora/in-negative',
    category: 'lora',
    description: 'An extra-network tag in the negative prompt (A1111 does not apply it; the text is encoded as words).',
    defaultSeverity: 'warn',
    fixable: 'suggestion',
    examples: {
      valid: [{ code: '@prompt\na house <lora:JL_sectionplan:0.6>\n@negative\nbad quality' }],
      invalid: [{ code: '@prompt\na house\n@negative\nbad quality <lora:JL_sectionplan:0.6>', errors: 1 }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      if (site.role !== 'negative') continue;
      for (const { node } of walk(site.node.body)) {
        if (node.kind !== 'network' || !node.closed) continue;
        context.report({
          range: node.range,
          message: `<${node.type}:…> in the negative prompt is not applied: A1111 loads extra networks from the positive prompt only, and sends this tag to the text encoder as words. Move it to the positive prompt or remove it.`,
          suggestions: [{ title: 'Remove the tag', edits: [{ start: node.range.start.offset, end: node.range.end.offset, newText: '' }] }],
        });
      }
    }
  },
};
