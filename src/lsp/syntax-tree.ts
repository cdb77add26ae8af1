/**
 * Readers of the AST (src/grammar/ast.ts) the features share: every prompt text of a file with
 * its role, the node under a cursor, and a walk over prompt nodes. Recovered nodes may miss
 * optional children, so every reader tolerates `undefined`.
 */
import type {
  FragmentNode,
  ParamBlockNode,
  ParamEntryNode,
  PromptDefNode,
  PromptFile,
  PromptNode,
  PromptText,
} from '../grammar/ast.js';
import { touches } from './positions.js';
import { childrenOf } from '../grammar/ast.js';

export type PromptRole = 'positive' | 'negative' | 'fragment';

export interface PromptTextSite {
  text: PromptText;
  role: PromptRole;
  prompt?: PromptDefNode;
  fragment?: FragmentNode;
}

/** Every prompt text in document order: file negative, fragments, then each prompt's texts. */
export function promptTexts(file: PromptFile): PromptTextSite[] {
  const sites: PromptTextSite[] = [];
  if (file.negative) sites.push({ text: file.negative, role: 'negative' });
  for (const fragment of file.fragments ?? []) {
    if (fragment.text) sites.push({ text: fragment.text, role: 'fragment', fragment });
  }
  for (const prompt of file.prompts ?? []) {
    if (prompt.positive) sites.push({ text: prompt.positive, role: 'positive', prompt });
    if (prompt.negative) sites.push({ text: prompt.negative, role: 'negative', prompt });
  }
  return sites.sort((a, b) => a.text.range.start.offset - b.text.range.start.offset);
}

/** The prompt text whose range holds `offset`, if any. */
export function promptTextAt(file: PromptFile, offset: number): PromptTextSite | undefined {
  return promptTexts(file).find((site) => touches(site.text.range, offset));
}

/** Every parameter block of the file: file level first, then per prompt. */
export function paramBlocks(file: PromptFile): ParamBlockNode[] {
  const blocks = [...(file.blocks ?? [])];
  for (const prompt of file.prompts ?? []) blocks.push(...(prompt.blocks ?? []));
  return blocks;
}

export function paramEntryAt(file: PromptFile, offset: number): { block: ParamBlockNode; entry?: ParamEntryNode } | undefined {
  for (const block of paramBlocks(file)) {
    if (!touches(block.range, offset)) continue;
    const entry = block.entries.find((candidate) => touches(candidate.range, offset));
    return entry ? { block, entry } : { block };
  }
  return undefined;
}

/** Visits every prompt node depth-first; `depth` counts enclosing emphasis brackets. */
export function walkPrompt(
  nodes: readonly PromptNode[],
  visit: (node: PromptNode, depth: number) => void,
  depth = 0,
): void {
  for (const node of nodes) {
    visit(node, depth);
    const nested = node.kind === 'emphasis' ? depth + 1 : depth;
    walkPrompt(childrenOf(node), visit, nested);
  }
}

/** The innermost prompt node touching `offset`, with its ancestors (outermost first). */
export function promptNodeAt(text: PromptText, offset: number): { node: PromptNode; ancestors: PromptNode[] } | undefined {
  let found: { node: PromptNode; ancestors: PromptNode[] } | undefined;
  const search = (nodes: readonly PromptNode[], ancestors: PromptNode[]) => {
    for (const node of nodes) {
      if (!touches(node.range, offset)) continue;
      found = { node, ancestors };
      search(childrenOf(node), [...ancestors, node]);
      return;
    }
  };
  search(text.body ?? [], []);
  return found;
}
