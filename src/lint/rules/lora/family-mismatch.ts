import type { Rule } from '../../types.js';
import { loraName, loraTags } from './shared.js';

/** An SD1 LoRA on an SDXL checkpoint (or the reverse) has no matching layers: it does nothing or fails. */
export const familyMismatch: Rule = {
  meta: {
    id: 'lora/family-mismatch',
    category: 'lora',
    description: "A LoRA trained for another base-model family than the prompt's checkpoint (SD1 LoRA on SDXL, …).",
    defaultSeverity: 'warn',
    requires: ['library'],
    examples: {
      valid: [
        {
          code: '@params\ncheckpoint: v1-5-pruned\n@prompt\na house <lora:JL_sectionplan:0.6>',
          library: { loras: [{ name: 'JL_sectionplan', family: 'sd1' }], checkpoints: [{ name: 'v1-5-pruned', family: 'sd1' }] },
        },
      ],
      invalid: [
        {
          code: '@params\ncheckpoint: sdxl_base\n@prompt\na house <lora:JL_sectionplan:0.6>',
          errors: 1,
          library: { loras: [{ name: 'JL_sectionplan', family: 'sd1' }], checkpoints: [{ name: 'sdxl_base', family: 'sdxl' }] },
        },
      ],
    },
  },
  check(context) {
    const library = context.library!;
    for (const site of context.promptTexts()) {
      if (site.role !== 'positive' || !site.prompt) continue;
      const checkpoint = site.prompt.parameters.checkpoint;
      const checkpointFamily = checkpoint ? library.checkpointFamily(checkpoint) : undefined;
      if (!checkpointFamily || checkpointFamily === 'unknown') continue;
      for (const tag of loraTags(site)) {
        const name = loraName(tag);
        const entry = name ? library.resolveLora(name) : undefined;
        if (!entry?.family || entry.family === 'unknown' || entry.family === checkpointFamily) continue;
        context.report({
          range: tag.range,
          message: `LoRA '${entry.name}' is for ${entry.family.toUpperCase()} but the checkpoint '${checkpoint}' is ${checkpointFamily.toUpperCase()}: its layers do not match, so it has no effect or fails to load. Use a ${checkpointFamily.toUpperCase()} LoRA.`,
        });
      }
    }
  },
};
