import type { Fix } from '../../../core/diagnostic.js';
import type { Rule } from '../../types.js';
import { loraName, loraTags } from './shared.js';

/** A1111 networks.py: an unknown name triggers a rescan, then "Lora not found" and nothing is applied. */
export const unknownLora: Rule = {
  meta: {
    id: 'lora/unknown',
    category: 'lora',
    description: 'A LoRA name the configured library does not have (with "did you mean").',
    defaultSeverity: 'error',
    fixable: 'suggestion',
    requires: ['library'],
    examples: {
      valid: [{ code: '<lora:JL_sectionplan:0.6>', library: { loras: [{ name: 'JL_sectionplan' }] } }],
      invalid: [{ code: '<lora:JL_sectionplna:0.6>', errors: 1, library: { loras: [{ name: 'JL_sectionplan' }] } }],
    },
  },
  check(context) {
    const library = context.library!;
    for (const site of context.promptTexts()) {
      if (site.role === 'negative') continue;
      for (const tag of loraTags(site)) {
        const name = loraName(tag);
        if (!name || library.resolveLora(name)) continue;
        const nameArg = tag.args[0]!;
        const candidates = library.suggestLora(name).slice(0, 3);
        const suggestions: Fix[] = candidates.map((candidate) => ({
          title: `Change to '${candidate}'`,
          edits: [{ start: nameArg.valueRange.start.offset, end: nameArg.valueRange.end.offset, newText: candidate }],
        }));
        context.report({
          range: nameArg.valueRange,
          message: `LoRA '${name}' is not in the library: A1111 reports "Lora not found" and applies nothing.${candidates.length ? ` Did you mean ${candidates.map((candidate) => `'${candidate}'`).join(' or ')}?` : ''}`,
          suggestions,
        });
      }
    }
  },
};
