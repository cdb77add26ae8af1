import type { PromptNode } from '../../../grammar/ast.js';
import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

function isBlank(nodes: readonly PromptNode[] | undefined): boolean {
  return (nodes ?? []).every((node) => node.kind === 'text' && node.value.trim() === '');
}

/** `[|]`, `[:5]`-like groups with nothing in any branch: A1111 produces no text from them. */
export const emptyGroup: Rule = {
  meta: {
    id: 'syntax/empty-group',
    category: 'syntax',
    description: 'An alternation `[|]` or schedule `[::5]` with nothing in any branch.',
    defaultSeverity: 'warn',
    fixable: 'code',
    examples: {
      valid: [{ code: 'a [cat|dog]' }, { code: '[fe|]male' }],
      invalid: [{ code: 'a house [|] garden', errors: 1, output: 'a house  garden' }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      for (const { node } of walk(site.node.body)) {
        const empty =
          (node.kind === 'alternation' && (node.options ?? []).every((option) => isBlank(option))) ||
          (node.kind === 'schedule' && isBlank(node.from) && isBlank(node.to));
        if (!empty || node.recovered) continue;
        context.report({
          range: node.range,
          message: `This ${node.kind === 'alternation' ? 'alternation' : 'schedule'} is empty in every branch and adds nothing to the prompt; remove it.`,
          fix: { title: 'Remove the empty group', edits: [{ start: node.range.start.offset, end: node.range.end.offset, newText: '' }] },
        });
      }
    }
  },
};
