import type { Rule } from '../../types.js';
import { tagsOf } from '../../walk.js';

/**
 * A1111 recognises `BREAK` and `AND` only in upper case (re_break = `\s*\bBREAK\b\s*`,
 * re_AND = `\bAND\b`). A tag that is just `break` / `and` in another case was most likely meant as
 * the keyword; as written it is encoded as an ordinary word.
 */
export const lowercaseKeyword: Rule = {
  meta: {
    id: 'prompt/lowercase-keyword',
    category: 'prompt',
    description: '`break` or `and` standing alone in lower or mixed case, where the keyword BREAK / AND was probably meant.',
    defaultSeverity: 'warn',
    fixable: 'suggestion',
    examples: {
      valid: [{ code: 'a cat and a dog, BREAK, a garden' }],
      invalid: [
        { code: 'a house, break, a garden', errors: 1 },
        { code: '@prompt\na house\nBreak\na garden', errors: 1 },
      ],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      for (const tag of tagsOf(site.node.body)) {
        if (tag.plain !== 'break' && tag.plain !== 'and') continue;
        const node = tag.nodes[0]!;
        if (tag.nodes.length !== 1 || node.kind !== 'text') continue;
        const keyword = tag.plain.toUpperCase();
        const leading = node.raw.length - node.raw.trimStart().length;
        const start = node.range.start.offset + leading;
        const end = start + node.raw.trim().length;
        context.report({
          range: { start: context.positionAt(start), end: context.positionAt(end) },
          message: `'${node.raw.trim()}' is an ordinary word to A1111: only upper-case ${keyword} is the keyword. Write ${keyword} if you meant it.`,
          suggestions: [{ title: `Change to ${keyword}`, edits: [{ start, end, newText: keyword }] }],
        });
      }
    }
  },
};
