import type { NumberNode } from '../../../grammar/ast.js';
import type { Rule, RuleContext } from '../../types.js';
import { walk } from '../../walk.js';

/**
 * Weight numbers of `(x:w)` and `AND … :w`. A1111 reads them with Python's float(), so `06` is
 * silently 6.0 (most likely 0.6 was meant).
 */
export const badWeight: Rule = {
  meta: {
    id: 'syntax/bad-weight',
    category: 'syntax',
    description: 'A weight written with a leading zero (`06` is 6.0 to A1111; 0.6 was probably meant).',
    defaultSeverity: 'warn',
    fixable: 'suggestion',
    examples: {
      valid: [{ code: '(house:1.2), (garden:.8), [a:b:0.5]' }],
      invalid: [{ code: '(house:06)', errors: 1 }, { code: 'a cat :06 AND a dog', errors: 1 }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      for (const { node } of walk(site.node.body)) {
        if (node.kind === 'emphasis' && node.weight) checkNumber(context, node.weight, 'weight');
        else if (node.kind === 'and-weight') checkNumber(context, node.weight, 'AND weight');
        else if (node.kind === 'schedule' && node.when) checkNumber(context, node.when, 'schedule step');
      }
    }
  },
};

/** `06`, `007.5`: a leading zero before more digits. */
export function leadingZeroReading(raw: string): string | undefined {
  const match = /^([+-]?)0+(\d+(?:\.\d*)?)$/.exec(raw.trim());
  if (!match) return undefined;
  return `${match[1]}0.${match[2]!.replace('.', '')}`;
}

function checkNumber(context: RuleContext, number: NumberNode, what: string): void {
  // Numbers A1111 cannot read at all are the parser's syntax/bad-number.
  if (!Number.isFinite(number.value)) return;
  const reading = leadingZeroReading(number.raw);
  if (reading !== undefined && what !== 'schedule step') {
    context.report({
      range: number.range,
      message: `'${number.raw}' reads as ${number.value}, not ${reading}: write ${reading} if that is what you meant.`,
      suggestions: [{ title: `Change to ${reading}`, edits: [{ start: number.range.start.offset, end: number.range.end.offset, newText: reading }] }],
    });
  }
}
