import type { Rule } from '../../types.js';
import { paramEntry } from './shared.js';

/**
 * Latents are 1/8 of the image size (SD VAE). ComfyUI's EmptyLatentImage only takes multiples of 8
 * (step 8); A1111 floors the latent size, so the output is smaller than asked.
 */
export const sizeMultiple: Rule = {
  meta: {
    id: 'parameters/size-multiple',
    category: 'parameters',
    description: 'A width or height that is not a multiple of 8.',
    defaultSeverity: 'warn',
    fixable: 'suggestion',
    examples: {
      valid: [{ code: '@params\nsize: 512x768\n@prompt\na house' }],
      invalid: [{ code: '@params\nsize: 510x768\n@prompt\na house', errors: 1 }],
    },
  },
  check(context) {
    const seen = new Set<string>();
    for (const prompt of context.model.prompts) {
      const { width, height } = prompt.parameters;
      if (width % 8 === 0 && height % 8 === 0) continue;
      const entry = paramEntry(context.file, prompt, 'size') ?? paramEntry(context.file, prompt, width % 8 ? 'width' : 'height');
      const range = entry?.value?.range ?? entry?.range ?? prompt.node.range;
      const key = `${range.start.offset}:${width}x${height}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const round = (value: number) => Math.max(8, Math.round(value / 8) * 8);
      const suggested = `${round(width)}x${round(height)}`;
      const isSize = entry && entry.value && /x/i.test(entry.value.value);
      context.report({
        range,
        message: `Size ${width}x${height} is not a multiple of 8: latents are 1/8 of the image, so A1111 crops the result and ComfyUI rejects it. Use ${suggested}.`,
        ...(isSize && entry.value
          ? { suggestions: [{ title: `Change to ${suggested}`, edits: [{ start: entry.value.range.start.offset, end: entry.value.range.end.offset, newText: suggested }] }] }
          : {}),
      });
    }
  },
};
