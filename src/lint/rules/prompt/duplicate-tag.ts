import type { PromptNode } from '../../../grammar/ast.js';
import type { Rule } from '../../types.js';
import { tagsOf } from '../../walk.js';

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
      invalid: [{ code: 'a house, garden, a house', errors: 1, output: 'a house, garden' }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      checkBody(site.node.body);
    }
    function checkBody(body: readonly PromptNode[]): void {
      const seen = new Map<string, number>();
      for (const tag of tagsOf(body)) {
        if (!tag.plain) continue;
        const firstLine = seen.get(tag.plain);
        if (firstLine === undefined) {
          seen.set(tag.plain, tag.range.start.line);
          continue;
        }
        // Remove from the comma before this tag up to its end, so the list stays well-formed.
        const index = body.indexOf(tag.nodes[0]!);
        let start = tag.nodes[0]!.range.start.offset;
        for (let i = index - 1; i >= 0; i--) {
          const node = body[i]!;
          if (node.kind === 'comma') {
            start = node.range.start.offset;
            break;
          }
          if (!(node.kind === 'text' && node.value.trim() === '')) break;
        }
        const last = tag.nodes[tag.nodes.length - 1]!;
        const trailing = last.kind === 'text' ? last.value.length - last.value.trimEnd().length : 0;
        const end = last.range.end.offset - (last.kind === 'text' && last.raw.length === last.value.length ? trailing : 0);
        context.report({
          range: tag.range,
          message: `'${tag.plain}' is already in this prompt (line ${firstLine + 1}); remove the repeat (raise its weight instead if you want more of it).`,
          fix: { title: 'Remove the repeated tag', edits: [{ start, end, newText: '' }] },
        });
      }
    }
  },
};
