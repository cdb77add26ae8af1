import type { PromptNode } from '../../../grammar/ast.js';
import type { Rule } from '../../types.js';
import { childrenOf } from '../../walk.js';

/** `a, , b` or `a,, b`: an empty tag between two commas (harmless to A1111, but a leftover). */
export const emptyTag: Rule = {
  meta: {
    id: 'prompt/empty-tag',
    category: 'prompt',
    description: 'An empty tag between two commas (`a, , b`).',
    defaultSeverity: 'warn',
    fixable: 'code',
    examples: {
      valid: [{ code: 'a house, garden,' }],
      invalid: [{ code: 'a house, , garden', errors: 1, output: 'a house, garden' }],
    },
  },
  check(context) {
    const visit = (body: readonly PromptNode[]) => {
      let previousComma: PromptNode | undefined;
      for (const node of body) {
        if (node.kind === 'comma') {
          if (previousComma) {
            context.report({
              range: { start: previousComma.range.start, end: node.range.end },
              message: 'Empty tag between two commas; remove the extra comma.',
              fix: { title: 'Remove the extra comma', edits: [{ start: previousComma.range.start.offset, end: node.range.start.offset, newText: '' }] },
            });
          }
          previousComma = node;
        } else if (!(node.kind === 'text' && node.value.trim() === '')) {
          previousComma = undefined;
        }
        const children = childrenOf(node);
        if (node.kind === 'emphasis') visit(children);
      }
    };
    for (const site of context.promptTexts()) visit(site.node.body);
  },
};
