import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

/** A1111 modules/extra_networks.py matches `<(\w+):([^>]+)>`: without the `>` the tag is plain prompt text. */
export const unterminatedNetwork: Rule = {
  meta: {
    id: 'syntax/unterminated-network',
    category: 'syntax',
    description: 'An extra-network tag such as `<lora:name:0.6` without its closing `>` (A1111 reads it as prompt text).',
    defaultSeverity: 'error',
    fixable: 'suggestion',
    examples: {
      valid: [{ code: 'a house <lora:JL_sectionplan:0.6>' }],
      invalid: [{ code: 'a house <lora:JL_sectionplan:0.6', errors: 1 }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      for (const { node } of walk(site.node.body)) {
        if (node.kind !== 'network' || node.closed) continue;
        context.report({
          range: node.range,
          message: `'<${node.type}:' is never closed with '>': A1111 does not load it and sends the characters to the text encoder as prompt text. Add the '>'.`,
          suggestions: [{ title: "Add the closing '>'", edits: [{ start: node.range.end.offset, end: node.range.end.offset, newText: '>' }] }],
        });
      }
    }
  },
};
