/**
 * Inlay hints: the effective A1111 weight after each emphasis group whose weight is not what it
 * looks like at a glance (nested brackets multiply: `((x))` → 1.21, modules/prompt_parser.py
 * parse_prompt_attention), and the token count where each 75-token chunk ends
 * (modules/sd_hijack_clip.py tokenize_line).
 */
import { InlayHintKind, type InlayHint, type Range as LspRange } from 'vscode-languageserver';
import type { EmphasisNode } from '../../grammar/ast.js';
import { promptTexts, walkPrompt } from '../syntax-tree.js';
import type { FeatureContext } from './context.js';
import { chunksOf, formatEffective, promptAt, resolvedPrompts, weightsAt } from './weights.js';

export function inlayHints(context: FeatureContext, range: LspRange): InlayHint[] {
  const { document, analysis, settings } = context;
  const from = document.offsetAt(range.start);
  const to = document.offsetAt(range.end);
  const hints: InlayHint[] = [];
  if (settings.inlayHints.weights) {
    for (const site of promptTexts(analysis.ast)) {
      if (site.text.range.end.offset < from || site.text.range.start.offset > to) continue;
      walkPrompt(site.text.body ?? [], (node, depth) => {
        if (node.kind !== 'emphasis') return;
        const end = node.range.end.offset;
        if (end < from || end > to) return;
        // A single explicit `(x:1.2)` shows its weight already; hint nesting and bare brackets.
        if (depth === 0 && node.weight && !hasNestedEmphasis(node)) return;
        const weight = emphasisWeight(context, node);
        if (weight === undefined) return;
        hints.push({ position: document.positionAt(end), label: `×${weight}`, kind: InlayHintKind.Parameter, paddingLeft: true, tooltip: 'Effective A1111 weight of this group' });
      });
    }
  }
  if (settings.inlayHints.chunks) {
    for (const { prompt, engine } of resolvedPrompts(analysis)) {
      const chunks = chunksOf(context.toolchain, analysis, prompt, engine);
      if (!chunks || chunks.chunks.length === 0) continue;
      chunks.chunks.forEach((chunk, index) => {
        if (chunk.textEnd <= 0) return;
        const offset = (prompt.sourceMap[chunk.textEnd - 1] ?? -1) + 1;
        if (offset <= 0 || offset < from || offset > to) return;
        const approx = chunks.approximate ? '≈' : '';
        hints.push({
          position: document.positionAt(offset),
          label: `${approx}${chunk.tokenCount}/${chunk.capacity} │ chunk ${index + 1}`,
          kind: InlayHintKind.Type,
          paddingLeft: true,
          tooltip: chunks.approximate ? 'Estimated token count: no CLIP vocabulary found' : 'Tokens in this chunk (A1111 tokenize_line)',
        });
      });
    }
  }
  return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

function hasNestedEmphasis(node: EmphasisNode): boolean {
  let nested = false;
  walkPrompt(node.body ?? [], (child) => {
    if (child.kind === 'emphasis') nested = true;
  });
  return nested;
}

/** The weight A1111 gives the group's first weighted character that is not inside a deeper group. */
function emphasisWeight(context: FeatureContext, node: EmphasisNode): string | undefined {
  const direct = (node.body ?? []).find((child) => child.kind === 'text' && child.value.trim() !== '');
  const start = direct?.range.start.offset;
  if (start === undefined) return undefined;
  const firstChar = start + (direct!.kind === 'text' ? direct!.raw.length - direct!.raw.trimStart().length : 0);
  const at = promptAt(context.analysis, firstChar);
  if (!at) return undefined;
  const weights = [...new Set(weightsAt(at.prompt, at.index).filter((weight) => !weight.isBreak).map((weight) => weight.weight))];
  if (weights.length === 0) return undefined;
  return weights.map(formatEffective).join('|');
}
