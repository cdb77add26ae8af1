import type { EngineKind } from '../../../semantics/model.js';
import type { Rule } from '../../types.js';
import { loraTags } from './shared.js';

/**
 * stable-diffusion.cpp matches only `<lora:([^:>]+):([^>]+)>` (examples/common/common.cpp), so
 * `<lora:name>` stays in the prompt as text there; A1111 reads it as multiplier 1.0.
 */
const ENGINES_NEEDING_WEIGHT: ReadonlySet<EngineKind> = new Set(['sdcpp']);

export const missingWeight: Rule = {
  meta: {
    id: 'lora/missing-weight',
    category: 'lora',
    description: '`<lora:name>` without a multiplier, for an engine that needs one (stable-diffusion.cpp).',
    defaultSeverity: 'warn',
    fixable: 'code',
    examples: {
      valid: [{ code: 'a house <lora:JL_sectionplan>' }, { code: 'a house <lora:JL_sectionplan:1>', settings: { engine: 'sdcpp' } }],
      invalid: [
        { code: 'a house <lora:JL_sectionplan>', settings: { engine: 'sdcpp' }, errors: 1, output: 'a house <lora:JL_sectionplan:1>' },
      ],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      if (site.role !== 'positive') continue;
      const engine = context.engineOf(site.prompt);
      if (!ENGINES_NEEDING_WEIGHT.has(engine)) continue;
      for (const tag of loraTags(site)) {
        if (tag.args.length !== 1 || tag.args[0]!.name !== undefined) continue;
        const end = tag.args[0]!.valueRange.end.offset;
        context.report({
          range: tag.range,
          message: `${engine} needs a multiplier: '<${tag.type}:${tag.args[0]!.value}>' stays in the prompt as text there. Write ':1' (the weight A1111 assumes).`,
          fix: { title: "Add ':1'", edits: [{ start: end, end, newText: ':1' }] },
        });
      }
    }
  },
};
