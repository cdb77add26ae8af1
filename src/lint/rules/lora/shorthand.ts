import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';
import { pythonFloat } from './shared.js';

/** Network types A1111 and its built-in extensions know; anything else is dropped silently. */
const KNOWN_TYPES = new Set(['lora', 'lyco', 'hypernet']);

/**
 * `<JL_sectionplan:0.1>` is an extra network of the unknown type `JL_sectionplan` to A1111
 * (modules/extra_networks.py): it is stripped from the prompt and ignored, with no warning.
 * Almost always `<lora:JL_sectionplan:0.1>` was meant.
 */
export const shorthand: Rule = {
  meta: {
    id: 'lora/shorthand',
    category: 'lora',
    description: '`<NAME:weight>` written for `<lora:NAME:weight>` (A1111 strips it and applies nothing).',
    defaultSeverity: 'error',
    fixable: 'code',
    rationale:
      'A1111 matches every `<word:args>` as an extra network. `<JL_sectionplan:0.1>` therefore names a network *type* `JL_sectionplan`, which does not exist: A1111 removes the tag from the prompt and loads nothing, without a message. The fix inserts the missing `lora:`.',
    examples: {
      valid: [{ code: 'a house <lora:JL_sectionplan:0.1>' }, { code: 'a house <hypernet:sketch:0.5>' }],
      invalid: [{ code: 'a house <JL_sectionplan:0.1>', errors: 1, output: 'a house <lora:JL_sectionplan:0.1>' }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      for (const { node } of walk(site.node.body)) {
        if (node.kind !== 'network' || !node.closed || node.knownType || KNOWN_TYPES.has(node.type.toLowerCase())) continue;
        const numeric = node.args.length >= 1 && node.args.length <= 3 && node.args.every((arg) => Number.isFinite(pythonFloat(arg.value)));
        const knownLora = context.library?.resolveLora(node.type) !== undefined;
        if (!numeric && !knownLora) continue;
        const args = node.args.map((arg) => arg.raw).join(':');
        context.report({
          range: node.range,
          message: `'<${node.type}:${args}>' is not a LoRA tag: A1111 reads '${node.type}' as an unknown network type and silently drops the tag. Write '<lora:${node.type}:${args}>'.`,
          fix: {
            title: `Replace with <lora:${node.type}:${args}>`,
            edits: [{ start: node.typeRange.start.offset, end: node.typeRange.start.offset, newText: 'lora:' }],
          },
        });
      }
    }
  },
};
