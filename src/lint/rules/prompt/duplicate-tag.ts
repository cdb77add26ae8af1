import type { PromptNode } from '../../../grammar/ast.js';
import type { Rule } from '../../types.js';
import { tagsOf, type Tag } from '../../walk.js';

/**
 * The same plain tag twice in one list (`a house, garden, a house`). Compared case-insensitively
 * with whitespace collapsed; tags with emphasis, networks or schedules are left alone. The fix
 * removes the later copy together with the comma before it.
 */
export const duplicateTag: Rule = {
  meta: {
    id: 'prompt/duplicate-tag',
    category: 'prompt',
    description: 'The same tag twice in one comma-separated list.',
    defaultSeverity: 'warn',
    fixable: 'code',
    examples: {
      valid: [{ code: 'a house, a garden, (a house:1.2)' }],
      invalid: [
        { code: 'a house, garden, a house', errors: 1, output: 'a house, garden' },
        { code: '@prompt\na house, garden,\na house, sky', errors: 1, output: '@prompt\na house, garden,\nsky' },
      ],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      checkBody(site.node.body);
    }
    function checkBody(body: readonly PromptNode[]): void {
      // The first tag of each text; its line is looked up only when a repeat is found.
      const seen = new Map<string, Tag>();
      for (const tag of tagsOf(body)) {
        if (!tag.plain) continue;
        const first = seen.get(tag.plain);
        if (first === undefined) {
          seen.set(tag.plain, tag);
          continue;
        }
        const firstLine = first.range.start.line;
        // Remove the repeat with one comma next to it, so the list stays well-formed: the comma
        // before it on the same line, else the one after it.
        const index = body.indexOf(tag.nodes[0]!);
        let start = tag.range.start.offset;
        let end = tag.range.end.offset;
        let previousComma: PromptNode | undefined;
        for (let i = index - 1; index > 0 && i >= 0; i--) {
          const node = body[i]!;
          if (node.kind === 'comma') {
            previousComma = node;
            break;
          }
          if (!(node.kind === 'text' && node.value.trim() === '' && !node.value.includes('\n'))) break;
        }
        if (previousComma) start = previousComma.range.start.offset;
        else if (tag.end?.kind === 'comma') {
          end = tag.end.range.end.offset;
          // …and the spaces after that comma (not the line break).
          const next = body[body.indexOf(tag.end) + 1];
          if (next?.kind === 'text' && next.raw === next.value) end += next.value.length - next.value.replace(/^[ \t]+/, '').length;
        }
        const last = tag.nodes[tag.nodes.length - 1]!;
        if (!previousComma && tag.end?.kind !== 'comma' && last.kind === 'text') end -= last.value.length - last.value.trimEnd().length;
        else if (previousComma && last.kind === 'text') end -= last.value.length - last.value.trimEnd().length;
        context.report({
          range: tag.range,
          message: `'${tag.plain}' is already in this prompt (line ${firstLine + 1}); remove the repeat (raise its weight instead if you want more of it).`,
          fix: { title: 'Remove the repeated tag', edits: [{ start, end, newText: '' }] },
        });
      }
    }
  },
};
