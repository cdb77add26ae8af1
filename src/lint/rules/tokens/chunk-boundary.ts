import type { EmphasisNode } from '../../../grammar/ast.js';
import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

/**
 * A1111 encodes each 75-token chunk separately (modules/sd_hijack_clip.py), so a phrase cut by a
 * chunk boundary loses its meaning: the two halves never see each other. A1111 moves a tail of
 * up to 20 tokens after the last comma into the next chunk; a boundary inside a tag that survives
 * that is reported here.
 */
export const chunkBoundary: Rule = {
  meta: {
    id: 'tokens/chunk-boundary',
    category: 'tokens',
    description: 'A phrase (comma-separated tag) or a weighted group split across a 75-token chunk boundary.',
    defaultSeverity: 'warn',
    requires: ['tokenizer'],
    rationale:
      'Each chunk of 75 tokens is encoded on its own and the results are concatenated, so words on either side of a boundary do not influence each other. Add a comma or a BREAK before the phrase, or shorten the text before it.',
    examples: {
      valid: [{ code: 'a house, a garden', tokenizer: true }, { code: `${'cat '.repeat(74)}BREAK red house`, tokenizer: true }],
      invalid: [
        { code: `${'cat '.repeat(74)}red house`, tokenizer: true, errors: 1 },
        { code: `${'cat '.repeat(70)}, (red roof, blue door, green window:1.2)`, tokenizer: true, errors: 1 },
      ],
    },
  },
  check(context) {
    const tokenizer = context.tokenizer!;
    for (const site of context.promptTexts()) {
      const resolved = site.resolved;
      if (!resolved || site.role === 'fragment') continue;
      const engine = context.engineOf(site.prompt);
      const chunks = tokenizer.chunks(resolved, engine);
      for (let index = 0; index + 1 < chunks.length; index++) {
        const before = chunks[index]!;
        const after = chunks[index + 1]!;
        if (before.textEnd < 0 || after.textStart < 0 || after.textStart < before.textEnd) continue;
        const between = resolved.text.slice(before.textEnd, after.textStart);
        // A weighted group that holds text on both sides of the boundary (document offsets; groups
        // inside fragments are found through the prompt's own text only).
        const lastBefore = resolved.sourceMap[before.textEnd - 1]!;
        const firstAfter = resolved.sourceMap[after.textStart]!;
        const group = walk(site.node.body)
          .map((visit) => visit.node)
          .filter((node): node is EmphasisNode => node.kind === 'emphasis')
          .find((node) => node.range.start.offset < lastBefore && node.range.end.offset > firstAfter);
        if (group) {
          context.report({
            range: group.range,
            message: `Token chunk ${index + 1} ends inside this weighted group (75 tokens per chunk${tokenizer.approximate ? ', approximate count' : ''}): its two halves are encoded separately. Move the group after a BREAK, or shorten the text before it.`,
          });
          continue;
        }
        // A comma, line break or BREAK at the boundary means it falls between tags.
        if (/[,\n]|\bBREAK\b/.test(between) || /,\s*$/.test(resolved.text.slice(0, before.textEnd)) || /^\s*,/.test(resolved.text.slice(after.textStart))) continue;
        let start = before.textEnd - 1;
        while (start > 0 && !/[,\n]/.test(resolved.text[start - 1]!)) start--;
        let end = after.textStart;
        while (end < resolved.text.length && !/[,\n]/.test(resolved.text[end]!)) end++;
        context.report({
          range: context.rangeInResolved(resolved, start, end),
          message: `Token chunk ${index + 1} ends inside this phrase (75 tokens per chunk${tokenizer.approximate ? ', approximate count' : ''}): its halves are encoded separately. Put a comma or BREAK before it, or shorten the text before it.`,
        });
      }
    }
  },
};
