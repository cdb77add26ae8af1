import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

/** `()`, `[]`, `(:1.2)`: A1111 applies the weight to nothing (parse_prompt_attention multiplies an empty range). */
export const emptyEmphasis: Rule = {
  meta: {
    id: 'emphasis/empty',
    category: 'emphasis',
    description: 'An emphasis group with nothing inside: `()`, `[]`, `( :1.2)`.',
    defaultSeverity: 'warn',
    fixable: 'code',
    examples: {
      valid: [{ code: '(house), [garden]' }],
      invalid: [{ code: 'a house, (), garden', errors: 1, output: 'a house, , garden' }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      for (const { node } of walk(site.node.body)) {
        if (node.kind !== 'emphasis' || !node.closed || node.recovered) continue;
        if (!node.body.every((child) => child.kind === 'text' && child.value.trim() === '')) continue;
        context.report({
          range: node.range,
          message: 'Empty emphasis: it weights nothing. Remove it.',
          fix: { title: 'Remove the empty group', edits: [{ start: node.range.start.offset, end: node.range.end.offset, newText: '' }] },
        });
      }
    }
  },
};
