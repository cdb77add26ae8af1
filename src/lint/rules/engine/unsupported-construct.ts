import type { Rule } from '../../types.js';
import { NOTE_CODES_BY_RULE, reportNotes } from './shared.js';

/** sd.cpp and compel have no AND and no prompt schedules: the compiler keeps one branch. */
export const unsupportedConstruct: Rule = {
  meta: {
    id: 'engine/unsupported-construct',
    category: 'engine',
    description: 'AND, a prompt weight, or a schedule/alternation that the target engine cannot express, so only one branch is sent.',
    defaultSeverity: 'warn',
    examples: {
      valid: [{ code: 'a [cat:dog:0.5]', settings: { engine: 'comfyui' } }, { code: 'a cat BREAK a dog', settings: { engine: 'sdcpp' } }],
      invalid: [
        { code: 'a [cat:dog:0.5]', settings: { engine: 'sdcpp' }, errors: 1 },
        { code: 'a cat AND a dog', settings: { engine: 'compel' }, errors: 1 },
      ],
    },
  },
  check(context) {
    reportNotes(context, NOTE_CODES_BY_RULE['engine/unsupported-construct']);
  },
};
