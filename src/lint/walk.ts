/** Walking prompt-text nodes, with what rules usually need: parents and emphasis multipliers. */
import type { EmphasisNode, PromptNode, Range, TextNode } from '../grammar/ast.js';

/** A1111 modules/prompt_parser.py: round_bracket_multiplier = 1.1, square_bracket_multiplier = 1 / 1.1. */
export const ROUND_MULTIPLIER = 1.1;
export const SQUARE_MULTIPLIER = 1 / 1.1;

export interface NodeVisit {
  node: PromptNode;
  /** Enclosing nodes, outermost first. */
  parents: PromptNode[];
}

/** The nodes directly inside a node (emphasis body, schedule branches, alternation options). */
export function childrenOf(node: PromptNode): PromptNode[] {
  switch (node.kind) {
    case 'emphasis':
      return node.body ?? [];
    case 'schedule':
      return [...(node.from ?? []), ...(node.to ?? [])];
    case 'alternation':
      return (node.options ?? []).flat();
    default:
      return [];
  }
}

/**
 * Every node of a body, depth first, in document order. Most rules walk every prompt text, so the
 * flattened list is built once per body and remembered (a WeakMap keyed by the AST array: it
 * holds nothing once the tree is gone, and ASTs are never mutated after parsing).
 */
const flattened = new WeakMap<readonly PromptNode[], NodeVisit[]>();

export function walk(body: readonly PromptNode[] | undefined, parents: PromptNode[] = []): readonly NodeVisit[] {
  if (!body) return [];
  if (parents.length === 0) {
    const cached = flattened.get(body);
    if (cached) return cached;
  }
  const visits: NodeVisit[] = [];
  collect(body, parents, visits);
  if (parents.length === 0) flattened.set(body, visits);
  return visits;
}

function collect(body: readonly PromptNode[], parents: PromptNode[], out: NodeVisit[]): void {
  for (const node of body) {
    out.push({ node, parents });
    if (node.kind === 'emphasis' || node.kind === 'schedule' || node.kind === 'alternation') {
      const children = childrenOf(node);
      if (children.length > 0) collect(children, [...parents, node], out);
    }
  }
}

/** The multiplier one emphasis node applies: its explicit weight, else ×1.1 for `(`, ÷1.1 for `[`. */
export function emphasisMultiplier(node: EmphasisNode): number {
  if (node.weight && Number.isFinite(node.weight.value)) return node.weight.value;
  return node.bracket === 'round' ? ROUND_MULTIPLIER : SQUARE_MULTIPLIER;
}

/** The product of the multipliers of the emphasis nodes among `parents` (A1111 multiplies nesting). */
export function nestedMultiplier(parents: readonly PromptNode[]): number {
  let weight = 1;
  for (const parent of parents) if (parent.kind === 'emphasis') weight *= emphasisMultiplier(parent);
  return weight;
}

/** A comma-separated tag of a body: its nodes and range (commas excluded). */
export interface Tag {
  nodes: PromptNode[];
  range: Range;
  /** Lower-cased text with whitespace collapsed when the tag is plain text only, else undefined. */
  plain?: string;
}

const tagLists = new WeakMap<readonly PromptNode[], Tag[]>();

/** Splits a body at its commas (and at BREAK / AND, which also end a tag). Remembered per body, like walk(). */
export function tagsOf(body: readonly PromptNode[] | undefined): readonly Tag[] {
  if (!body) return [];
  const cached = tagLists.get(body);
  if (cached) return cached;
  const tags: Tag[] = [];
  let current: PromptNode[] = [];
  const flush = () => {
    const meaningful = current.filter((node) => !(node.kind === 'text' && node.value.trim() === ''));
    if (meaningful.length > 0) {
      const onlyText = meaningful.every((node) => node.kind === 'text');
      const plain = onlyText
        ? meaningful
            .map((node) => (node as TextNode).value)
            .join('')
            .replace(/\s+/g, ' ')
            .trim()
            .toLowerCase()
        : undefined;
      tags.push({
        nodes: meaningful,
        range: { start: meaningful[0]!.range.start, end: meaningful[meaningful.length - 1]!.range.end },
        ...(plain ? { plain } : {}),
      });
    }
    current = [];
  };
  for (const node of body) {
    if (node.kind === 'comma' || node.kind === 'break' || node.kind === 'and' || node.kind === 'and-weight') flush();
    else current.push(node);
  }
  flush();
  tagLists.set(body, tags);
  return tags;
}

/** Formats a weight the way people write it: up to 4 decimals, no trailing zeros. */
export function formatWeight(weight: number): string {
  const fixed = weight.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}
