import type { Rule } from '../../types.js';
import { NOTE_CODES_BY_RULE, reportNotes } from './shared.js';

/** LoRA arguments an engine drops or reads differently (te/unet split, dyn, lyco alias). */
export const loraArguments: Rule = {
  meta: {
    id: 'engine/lora-arguments',
    category: 'engine',
    description: 'LoRA arguments the target engine drops or cannot split: different te and unet weights, dyn, or the lyco alias.',
    defaultSeverity: 'warn',
    examples: {
      valid: [
        { code: 'a house <lora:JL_sectionplan:0.6:0.4>', settings: { engine: 'a1111' } },
        { code: 'a house <lora:JL_sectionplan:0.6>', settings: { engine: 'sdcpp' } },
      ],
      invalid: [
        { code: 'a house <lora:JL_sectionplan:0.6:0.4>', settings: { engine: 'sdcpp' }, errors: 1 },
        { code: 'a house <lora:JL_sectionplan:0.6:0.6:8>', settings: { engine: 'comfyui' }, errors: 1 },
      ],
    },
  },
  check(context) {
    reportNotes(context, NOTE_CODES_BY_RULE['engine/lora-arguments']);
  },
};
