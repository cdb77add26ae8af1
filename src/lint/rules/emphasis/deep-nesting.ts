import type { EmphasisNode, PromptNode } from '../../../grammar/ast.js';
import type { Rule } from '../../types.js';
import { emphasisMultiplier, formatWeight, walk } from '../../walk.js';

/** The chain `((( x )))` of closed emphasis groups, each the only node of its parent's body. */
function chainFrom(node: EmphasisNode): EmphasisNode[] {
  const chain = [node];
  let current = node;
  while (current.body.length === 1 && current.body[0]!.kind === 'emphasis' && current.body[0]!.closed && !current.body[0]!.recovered) {
    current = current.body[0] as EmphasisNode;
    chain.push(current);
  }
  return chain;
}

function depthOf(parents: readonly PromptNode[]): number {
  return parents.filter((parent) => parent.kind === 'emphasis').length;
}

/**
 * `(((house)))` is house × 1.331 in A1111: one explicit weight says the same and can be read.
 * The fix rewrites a pure chain of groups to `(house:1.331)` (rounded to 4 decimals).
 */
export const deepNesting: Rule = {
  meta: {
    id: 'emphasis/deep-nesting',
    category: 'emphasis',
    description: 'Emphasis nested deeper than the configured depth (default 2); the fix writes one explicit weight.',
    defaultSeverity: 'warn',
    fixable: 'code',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { maxDepth: { type: 'integer', minimum: 1 } },
    },
    defaultOptions: { maxDepth: 2 },
    rationale:
      'A1111 multiplies nested groups: `(((house)))` is 1.1³ = 1.331, `[[house]]` is 1/1.1² ≈ 0.8264. One explicit weight says the same and can be read at a glance. The fix rounds to 4 decimals, which changes the weight by less than 0.00005.',
    examples: {
      valid: [{ code: '((house)), (garden:1.2)' }],
      invalid: [
        { code: '(((house)))', errors: 1, output: '(house:1.331)' },
        { code: '(((house:1.3)))', errors: 1, output: '(house:1.573)' },
      ],
    },
  },
  check(context) {
    const maxDepth = Number(context.options.maxDepth);
    for (const site of context.promptTexts()) {
      for (const { node, parents } of walk(site.node.body)) {
        if (node.kind !== 'emphasis' || depthOf(parents) > 0) continue;
        // Measure the deepest emphasis nesting under this outermost group.
        let deepest = 1;
        for (const inner of walk(node.body, [node])) {
          if (inner.node.kind === 'emphasis') deepest = Math.max(deepest, depthOf(inner.parents) + 1);
        }
        if (deepest <= maxDepth) continue;
        const chain = chainFrom(node);
        const weight = chain.reduce((product, group) => product * emphasisMultiplier(group), 1);
        const pure = chain.length === deepest && chain.every((group) => group.closed && !group.recovered && (!group.weight || Number.isFinite(group.weight.value)));
        const innermost = chain[chain.length - 1]!;
        const body = innermost.body;
        const report = {
          range: node.range,
          message: `Emphasis nested ${deepest} deep${pure ? ` has the effective weight ${formatWeight(weight)}` : ''}; write one explicit weight instead${pure ? `: (…:${formatWeight(weight)})` : ''}.`,
        };
        if (!pure || body.length === 0) {
          context.report(report);
          continue;
        }
        const bodyStart = body[0]!.range.start.offset;
        const bodyEnd = body[body.length - 1]!.range.end.offset;
        context.report({
          ...report,
          fix: {
            title: `Write (…:${formatWeight(weight)})`,
            edits: [
              { start: node.range.start.offset, end: bodyStart, newText: '(' },
              { start: bodyEnd, end: node.range.end.offset, newText: `:${formatWeight(weight)})` },
            ],
          },
        });
      }
    }
  },
};
