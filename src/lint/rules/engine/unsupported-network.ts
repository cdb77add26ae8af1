import type { Rule } from '../../types.js';
import { NOTE_CODES_BY_RULE, reportNotes } from './shared.js';

/** Extra networks other than LoRA (hypernet, unknown types) that the target engine does not apply. */
export const unsupportedNetwork: Rule = {
  meta: {
    id: 'engine/unsupported-network',
    category: 'engine',
    description: 'An extra network (hypernet or an unknown type) that the target engine does not apply.',
    defaultSeverity: 'warn',
    examples: {
      valid: [{ code: 'a house <lora:JL_sectionplan:0.6>', settings: { engine: 'comfyui' } }],
      invalid: [{ code: 'a house <hypernet:ink:0.5>', settings: { engine: 'comfyui' }, errors: 1 }],
    },
  },
  check(context) {
    reportNotes(context, NOTE_CODES_BY_RULE['engine/unsupported-network']);
  },
};
