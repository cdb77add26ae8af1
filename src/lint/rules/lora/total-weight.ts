import type { Rule } from '../../types.js';
import { formatWeight } from '../../walk.js';

/** Stacked LoRAs add their deltas; past a total of about 2 most images overcook. */
export const totalWeight: Rule = {
  meta: {
    id: 'lora/total-weight',
    category: 'lora',
    description: 'The sum of the LoRA (UNet) multipliers of one prompt above the configured maximum (default 2).',
    defaultSeverity: 'warn',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { max: { type: 'number', minimum: 0, description: 'Highest total of absolute UNet multipliers.' } },
    },
    defaultOptions: { max: 2 },
    examples: {
      valid: [{ code: '<lora:JL_sectionplan:0.6> <lora:archi_sketch:0.6> <lora:archi_watercolor:0.4>' }],
      invalid: [{ code: '<lora:a:0.9> <lora:b:0.9> <lora:c:0.9>', errors: 1 }],
    },
  },
  check(context) {
    const max = Number(context.options.max);
    for (const site of context.promptTexts()) {
      if (site.role !== 'positive' || !site.resolved) continue;
      const uses = site.resolved.loras ?? [];
      const total = uses.reduce((sum, use) => sum + (Number.isFinite(use.unet) ? Math.abs(use.unet) : 0), 0);
      if (uses.length < 2 || total <= max + 1e-9) continue;
      const first = uses[0]!;
      const last = uses[uses.length - 1]!;
      const range = first.range.start.offset <= last.range.start.offset ? { start: first.range.start, end: last.range.end } : first.range;
      context.report({
        range,
        message: `The LoRAs of this prompt add up to ${formatWeight(total)} (${uses.map((use) => `${use.name} ${formatWeight(use.unet)}`).join(' + ')}), above ${formatWeight(max)}: stacked LoRAs overcook the image. Lower some weights.`,
      });
    }
  },
};
