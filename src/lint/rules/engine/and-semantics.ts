import type { Rule } from '../../types.js';
import { reportNotes } from './shared.js';

/** ComfyUI: AND is lowered to area-strength conditioning with a scaled CFG (docs/compile.md). */
export const andSemantics: Rule = {
  meta: {
    id: 'engine/and-semantics',
    category: 'engine',
    description: 'AND (composable diffusion) that ComfyUI can only approximate, or a part weight it cannot express.',
    defaultSeverity: 'warn',
    rationale:
      'ComfyUI averages combined conditionings by strength where A1111 adds them; the compiler multiplies the CFG by the sum of the AND weights to compensate, which is exact only for plain CFG samplers and positive weights.',
    examples: {
      valid: [{ code: 'a cat AND a dog', settings: { engine: 'a1111' } }, { code: 'a cat, a dog', settings: { engine: 'comfyui' } }],
      invalid: [{ code: 'a cat AND a dog :0.5', settings: { engine: 'comfyui' }, errors: 1 }],
    },
  },
  check(context) {
    reportNotes(context, ['engine/and-semantics']);
  },
};
