import type { Rule } from '../../types.js';
import { NOTE_CODES_BY_RULE, reportNotes } from './shared.js';

/** AND and prompt weights: ComfyUI approximates them with area strength and a scaled CFG; sd.cpp and compel drop the weight (docs/compile.md). */
export const andSemantics: Rule = {
  meta: {
    id: 'engine/and-semantics',
    category: 'engine',
    description: 'AND (composable diffusion) or a prompt weight (`a cat :1.5`) that the target engine can only approximate or cannot express.',
    defaultSeverity: 'warn',
    rationale:
      'ComfyUI averages combined conditionings by strength where A1111 adds them; the compiler multiplies the CFG by the sum of the AND weights to compensate, which is exact only for plain CFG samplers and positive weights.',
    examples: {
      valid: [{ code: 'a cat AND a dog', settings: { engine: 'a1111' } }, { code: 'a cat, a dog', settings: { engine: 'comfyui' } }],
      invalid: [
        { code: 'a cat AND a dog :0.5', settings: { engine: 'comfyui' }, errors: 1 },
        { code: 'a cat :1.5', settings: { engine: 'sdcpp' }, errors: 1 },
      ],
    },
  },
  check(context) {
    reportNotes(context, NOTE_CODES_BY_RULE['engine/and-semantics']);
  },
};
