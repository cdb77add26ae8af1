import type { NumberNode } from '../../../grammar/ast.js';
import type { Rule, RuleContext } from '../../types.js';
import { walk } from '../../walk.js';

/**
 * Weight numbers of `(x:w)`, `AND … :w` and schedule steps. A1111 reads them with Python's
 * float() on the `[.\d]+` match of re_attention, so `1..2` or `.` make generation fail, while
 * `06` is silently 6.0 (most likely 0.6 was meant).
 */
export const badWeight: Rule = {
  meta: {
    id: 'syntax/bad-weight',
    category: 'syntax',
    description: 'A weight number A1111 cannot read (`1..2`) or that is probably a typo (`06` is 6.0).',
    defaultSeverity: 'error',
    fixable: 'suggestion',
    examples: {
      valid: [{ code: '(house:1.2), (garden:.8), [a:b:0.5]' }],
      invalid: [
        { code: '(house:1..2)', errors: 1 },
        { code: '(house:06)', errors: 1 },
      ],
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
  if (!Number.isFinite(number.value)) {
    context.report({
      range: number.range,
      message: `'${number.raw}' is not a number: A1111 fails on this ${what} (Python float('${number.raw}') raises). Write a number such as 1.2.`,
    });
    return;
  }
  const reading = leadingZeroReading(number.raw);
  if (reading !== undefined && what !== 'schedule step') {
    context.report({
      range: number.range,
      message: `'${number.raw}' reads as ${number.value}, not ${reading}: write ${reading} if that is what you meant.`,
      suggestions: [{ title: `Change to ${reading}`, edits: [{ start: number.range.start.offset, end: number.range.end.offset, newText: reading }] }],
    });
  }
}
