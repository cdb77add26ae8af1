import type { Rule } from '../../types.js';
import { emphasisMultiplier, formatWeight, walk, nestedMultiplier } from '../../walk.js';

/** Effective attention weights far from 1 (A1111 multiplies nested groups) distort or burn the image. */
export const extremeWeight: Rule = {
  meta: {
    id: 'emphasis/extreme-weight',
    category: 'emphasis',
    description: 'An emphasis whose effective weight (nesting multiplied, as A1111 does) is outside the configured range (default 0.5..1.5).',
    defaultSeverity: 'warn',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { min: { type: 'number' }, max: { type: 'number' } },
    },
    defaultOptions: { min: 0.5, max: 1.5 },
    examples: {
      valid: [{ code: '(house:1.3), ((garden)), [sky]' }],
      invalid: [{ code: '(house:1.8)', errors: 1 }, { code: '((house:1.3):1.3)', errors: 1 }],
    },
  },
  check(context) {
    const min = Number(context.options.min);
    const max = Number(context.options.max);
    const outside = (weight: number) => weight < min - 1e-9 || weight > max + 1e-9;
    for (const site of context.promptTexts()) {
      for (const { node, parents } of walk(site.node.body)) {
        if (node.kind !== 'emphasis' || (node.weight && !Number.isFinite(node.weight.value))) continue;
        const outer = nestedMultiplier(parents);
        const effective = outer * emphasisMultiplier(node);
        // Report where the weight first leaves the range, not again on every group nested inside.
        if (!outside(effective) || outside(outer)) continue;
        context.report({
          range: node.range,
          message: `Effective weight ${formatWeight(effective)} is outside ${formatWeight(min)}..${formatWeight(max)}; weights this far from 1 distort the image. Use a weight closer to 1.`,
        });
      }
    }
  },
};
