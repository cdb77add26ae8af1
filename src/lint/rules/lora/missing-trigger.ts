import type { TextEdit } from '../../../core/diagnostic.js';
import type { NetworkNode, PromptNode } from '../../../grammar/ast.js';
import type { Rule } from '../../types.js';
import { loraName, loraTags } from './shared.js';

/**
 * Where the words go: before the tag as their own tags. When plain text runs straight into the tag
 * (`a house <lora:…>`), a comma is added after that text so the words do not join its phrase.
 */
function insertion(body: readonly PromptNode[], tag: NetworkNode, words: string[]): TextEdit {
  const index = body.indexOf(tag);
  const previous = index > 0 ? body[index - 1] : undefined;
  if (previous?.kind === 'text' && previous.raw === previous.value && previous.value.trim() !== '' && !previous.value.trimEnd().endsWith(',')) {
    const at = previous.range.end.offset - (previous.value.length - previous.value.trimEnd().length);
    return { start: at, end: at, newText: `, ${words.join(', ')},` };
  }
  return { start: tag.range.start.offset, end: tag.range.start.offset, newText: `${words.join(', ')}, ` };
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[\s_]+/g, ' ').trim();
}

/**
 * A LoRA trained with trigger words (A1111 `NAME.json` activation text, civitai trainedWords,
 * modelspec trigger phrase) shows little of its effect without them in the positive prompt.
 */
export const missingTrigger: Rule = {
  meta: {
    id: 'lora/missing-trigger',
    category: 'lora',
    description: "A LoRA whose trigger words are not in the prompt; the fix inserts them before the tag.",
    defaultSeverity: 'warn',
    fixable: 'code',
    requires: ['library'],
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        require: { enum: ['all', 'any'], description: 'Report when any trigger word is missing (all) or only when none is present (any).' },
      },
    },
    defaultOptions: { require: 'all' },
    examples: {
      valid: [
        {
          code: 'section plan, JL_section plan, a house <lora:JL_sectionplan:0.6>',
          library: { loras: [{ name: 'JL_sectionplan', triggerWords: ['section plan', 'JL_section plan'] }] },
        },
      ],
      invalid: [
        {
          code: 'a house, <lora:JL_sectionplan:0.6>',
          errors: 1,
          output: 'a house, section plan, JL_section plan, <lora:JL_sectionplan:0.6>',
          library: { loras: [{ name: 'JL_sectionplan', triggerWords: ['section plan', 'JL_section plan'] }] },
        },
        {
          code: 'a house <lora:JL_sectionplan:0.6>',
          errors: 1,
          output: 'a house, section plan, JL_section plan, <lora:JL_sectionplan:0.6>',
          library: { loras: [{ name: 'JL_sectionplan', triggerWords: ['section plan', 'JL_section plan'] }] },
        },
      ],
    },
  },
  check(context) {
    const library = context.library!;
    const requireAll = context.options.require !== 'any';
    for (const site of context.promptTexts()) {
      if (site.role !== 'positive') continue;
      // What the engine receives: the prompt with fragments expanded (the model's text, not the source).
      const promptText = normalize(site.resolved?.text ?? '');
      for (const tag of loraTags(site)) {
        const name = loraName(tag);
        const entry = name ? library.resolveLora(name) : undefined;
        if (!entry || entry.triggerWords.length === 0) continue;
        const missing = entry.triggerWords.filter((word) => !promptText.includes(normalize(word)));
        const present = entry.triggerWords.length - missing.length;
        if (missing.length === 0 || (!requireAll && present > 0)) continue;
        const words = missing.map((word) => `'${word}'`).join(', ');
        context.report({
          range: tag.range,
          message: `LoRA '${entry.name}' is missing its trigger word${missing.length === 1 ? '' : 's'} ${words}: without ${missing.length === 1 ? 'it' : 'them'} the LoRA shows little effect. Add ${missing.length === 1 ? 'it' : 'them'} to the prompt.`,
          fix: { title: `Insert ${words}`, edits: [insertion(site.node.body, tag, missing)] },
        });
      }
    }
  },
};
