import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

/**
 * ComfyUI names textual-inversion embeddings as `embedding:NAME` (comfy/sd1_clip.py); an unknown
 * one is dropped with a console warning. (A1111 uses bare words, which cannot be told from text.)
 */
const EMBEDDING_REFERENCE = /(?:^|[\s,(\[])embedding:([\w.\-/]+)/g;

export const unknownEmbedding: Rule = {
  meta: {
    id: 'prompt/unknown-embedding',
    category: 'prompt',
    description: 'An `embedding:NAME` reference with no such embedding in the library.',
    defaultSeverity: 'warn',
    requires: ['library'],
    examples: {
      valid: [{ code: 'a house, embedding:bad_hands', library: { embeddings: ['bad_hands'] } }],
      invalid: [{ code: 'a house, embedding:bad_hand', errors: 1, library: { embeddings: ['bad_hands'] } }],
    },
  },
  check(context) {
    const library = context.library!;
    if (!library.indexesEmbeddings) return;
    for (const site of context.promptTexts()) {
      // The parser may split text at ':'; join each run of unescaped text nodes with its offsets.
      const runs: Array<{ text: string; offsets: number[] }> = [];
      let current: { text: string; offsets: number[] } | undefined;
      for (const { node } of walk(site.node.body)) {
        if (node.kind === 'text' && node.raw === node.value) {
          current ??= { text: '', offsets: [] };
          for (let index = 0; index < node.value.length; index++) current.offsets.push(node.range.start.offset + index);
          current.text += node.value;
        } else if (current) {
          runs.push(current);
          current = undefined;
        }
      }
      if (current) runs.push(current);
      for (const run of runs) {
        for (const match of run.text.matchAll(EMBEDDING_REFERENCE)) {
          const name = match[1]!.replace(/\.(pt|safetensors|bin)$/i, '');
          if (library.hasEmbedding(name)) continue;
          const first = match.index! + match[0].indexOf('embedding:');
          const last = first + 'embedding:'.length + match[1]!.length - 1;
          const start = run.offsets[first]!;
          const end = run.offsets[last]! + 1;
          context.report({
            range: { start: context.positionAt(start), end: context.positionAt(end) },
            message: `No embedding '${name}' in the library: ComfyUI drops the reference. Check the name.`,
          });
        }
      }
    }
  },
};
