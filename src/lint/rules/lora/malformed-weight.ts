import type { Rule } from '../../types.js';
import { leadingZeroReading } from '../syntax/bad-weight.js';
import { loraTags, pythonFloat } from './shared.js';

/**
 * A1111 extra_networks_lora.py reads the multipliers with float() (dyn with int()); a value it
 * cannot read raises and the generation fails. `06` reads as 6.0.
 */
export const malformedWeight: Rule = {
  meta: {
    id: 'lora/malformed-weight',
    category: 'lora',
    description: 'A LoRA multiplier A1111 cannot read (`1..2`, `abc`) or that is probably a typo (`06` is 6.0).',
    defaultSeverity: 'error',
    fixable: 'suggestion',
    examples: {
      valid: [{ code: '<lora:JL_sectionplan:0.6> <lora:archi_sketch:0.5:0.8> <lora:archi_sketch:te=0.5>' }],
      invalid: [
        { code: '<lora:JL_sectionplan:1..2>', errors: 1 },
        { code: '<lora:JL_sectionplan:06>', errors: 1 },
      ],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      for (const tag of loraTags(site)) {
        tag.args.forEach((arg, index) => {
          const positionalName = index === 0 && arg.name === undefined;
          if (positionalName) return;
          const isDyn = arg.name === 'dyn' || (arg.name === undefined && index === 3);
          const value = pythonFloat(arg.value);
          if (!Number.isFinite(value) || (isDyn && !/^\s*[+-]?\d+\s*$/.test(arg.value))) {
            context.report({
              range: arg.valueRange,
              message: `'${arg.value}' is not ${isDyn ? 'an integer' : 'a number'}: A1111 fails to apply <${tag.type}:…> (Python ${isDyn ? 'int' : 'float'}('${arg.value}') raises). Write ${isDyn ? 'an integer rank such as 8' : 'a multiplier such as 0.6'}.`,
            });
            return;
          }
          const reading = leadingZeroReading(arg.value);
          if (reading !== undefined && !isDyn) {
            context.report({
              range: arg.valueRange,
              message: `'${arg.value}' reads as ${value}, not ${reading}: write ${reading} if that is what you meant.`,
              suggestions: [{ title: `Change to ${reading}`, edits: [{ start: arg.valueRange.start.offset, end: arg.valueRange.end.offset, newText: reading }] }],
            });
          }
        });
      }
    }
  },
};
