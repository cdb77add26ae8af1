import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

/**
 * A1111 modules/prompt_parser.py parse_prompt_attention: an unclosed '(' or '[' is closed at the
 * end of the prompt (everything after it gets ×1.1 or ÷1.1).
 */
export const unclosedBracket: Rule = {
  meta: {
    id: 'syntax/unclosed-bracket',
    category: 'syntax',
    description: 'An unclosed "(" or "[" (A1111 closes it at the end of the prompt).',
    defaultSeverity: 'warn',
    fixable: 'suggestion',
    rationale:
      'A1111 does not reject unbalanced brackets: an unclosed `(` weights everything after it by 1.1 up to the end of the prompt, an unclosed `[` by 1/1.1. That is rarely what was meant. (A closing bracket with nothing open is `syntax/unmatched-bracket`.)',
    examples: {
      valid: [{ code: 'a (house), [garden]' }, { code: 'a \\(literal\\) bracket' }],
      invalid: [
        { code: 'a (house, garden', errors: 1 },
      ],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      for (const { node } of walk(site.node.body)) {
        if (node.kind === 'emphasis' && !node.closed) {
          const open = node.bracket === 'round' ? '(' : '[';
          const close = node.bracket === 'round' ? ')' : ']';
          const effect = node.bracket === 'round' ? 'multiplied by 1.1' : 'divided by 1.1';
          const bracketEnd = context.positionAt(node.range.start.offset + 1);
          context.report({
            range: { start: node.range.start, end: bracketEnd },
            message: `Unclosed '${open}': A1111 closes it at the end of the prompt, so the weight of everything after it is ${effect}. Close it where the group ends, or escape it as '\\${open}'.`,
            suggestions: [
              {
                title: `Escape as '\\${open}'`,
                edits: [{ start: node.range.start.offset, end: node.range.start.offset, newText: '\\' }],
              },
              {
                title: `Close with '${close}' at the end of the prompt`,
                edits: [{ start: node.range.end.offset, end: node.range.end.offset, newText: close }],
              },
            ],
          });
        }
      }
    }
  },
};
