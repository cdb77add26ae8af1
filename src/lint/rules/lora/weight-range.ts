import type { Rule } from '../../types.js';
import { formatWeight } from '../../walk.js';

/** Multipliers outside a range (default 0..1) usually burn the image or invert the LoRA. */
export const weightRange: Rule = {
  meta: {
    id: 'lora/weight-range',
    category: 'lora',
    description: 'A LoRA multiplier (text encoder or UNet) outside the configured range (default 0..1).',
    defaultSeverity: 'warn',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        min: { type: 'number', description: 'Lowest multiplier accepted.' },
        max: { type: 'number', description: 'Highest multiplier accepted.' },
      },
    },
    defaultOptions: { min: 0, max: 1 },
    examples: {
      valid: [{ code: '<lora:JL_sectionplan:0.6>' }, { code: '<lora:JL_sectionplan:1.4>', options: { max: 1.5 } }],
      invalid: [{ code: '<lora:JL_sectionplan:1.4>', errors: 1 }, { code: '<lora:JL_sectionplan:0.5:-0.2>', errors: 1 }],
    },
  },
  check(context) {
    const min = Number(context.options.min);
    const max = Number(context.options.max);
    const seen = new Set<number>();
    for (const site of context.promptTexts()) {
      if (site.role !== 'positive') continue;
      for (const use of site.resolved?.loras ?? []) {
        if (seen.has(use.range.start.offset)) continue;
        seen.add(use.range.start.offset);
        const outside = [
          ['text-encoder', use.te],
          ['UNet', use.unet],
        ].filter(([, value]) => Number.isFinite(value as number) && ((value as number) < min || (value as number) > max));
        if (outside.length === 0) continue;
        const what =
          use.te === use.unet ? `multiplier ${formatWeight(use.te)}` : outside.map(([name, value]) => `${name} multiplier ${formatWeight(value as number)}`).join(' and ');
        context.report({
          range: use.range,
          message: `LoRA '${use.name}' ${what} is outside ${formatWeight(min)}..${formatWeight(max)}; such weights usually overcook or invert the effect. Use a value in range (or set the rule's min/max).`,
        });
      }
    }
  },
};
