import type { Rule } from '../../types.js';
import { NOTE_CODES_BY_RULE, reportNotes } from './shared.js';

/** Literal characters the target engine's prompt syntax cannot write (sd.cpp escapes, compel `+`/`-`). */
export const unwritableText: Rule = {
  meta: {
    id: 'engine/unwritable-text',
    category: 'engine',
    description: 'Literal text the target engine cannot write faithfully: brackets or backslashes for stable-diffusion.cpp, a word ending in + or - for compel.',
    defaultSeverity: 'warn',
    examples: {
      valid: [{ code: 'c++ code', settings: { engine: 'a1111' } }],
      invalid: [
        { code: 'c++ code', settings: { engine: 'compel' }, errors: 1 },
        { code: 'a \\[literal\\] bracket', settings: { engine: 'sdcpp' }, errors: 1 },
      ],
    },
  },
  check(context) {
    reportNotes(context, NOTE_CODES_BY_RULE['engine/unwritable-text']);
  },
};
