/** Walking prompt-text nodes, with what rules usually need: parents and emphasis multipliers. */
import type { EmphasisNode, PromptNode, Range, TextNode } from '../grammar/ast.js';
import { childrenOf } from '../grammar/ast.js';
import { SourceRange } from '../grammar/line-index.js';

export { childrenOf };

/** A1111 modules/prompt_parser.py: round_bracket_multiplier = 1.1, square_bracket_multiplier = 1 / 1.1. */
export const ROUND_MULTIPLIER = 1.1;
export const SQUARE_MULTIPLIER = 1 / 1.1;

export interface NodeVisit {
  node: PromptNode;
  /** Enclosing nodes, outermost first. */
  parents: PromptNode[];
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
  /** The tag's nodes; text split at a line break is represented by slices of the text node. */
  nodes: PromptNode[];
  range: Range;
  /** Lower-cased text with whitespace collapsed when the tag is plain text only, else undefined. */
  plain?: string;
  /** The comma (or BREAK / AND) that ends the tag, if any. */
  end?: PromptNode;
}

const tagLists = new WeakMap<readonly PromptNode[], Tag[]>();

/**
 * Slices of a text node at its line breaks: in a prompt file a line break ends a tag as a comma
 * does for the reader, although A1111 reads it as a space. Escaped text is not split (its offsets
 * do not map one to one).
 */
function splitAtLineBreaks(node: TextNode): TextNode[] {
  if (!node.value.includes('\n') || node.raw !== node.value) return [node];
  const slices: TextNode[] = [];
  const base = node.range.start;
  let line = base.line;
  let column = base.column;
  let sliceStart = 0;
  let startPosition = base;
  for (let index = 0; index <= node.value.length; index++) {
    const atEnd = index === node.value.length;
    if (atEnd || node.value[index] === '\n') {
      const value = node.value.slice(sliceStart, index);
      const range =
        SourceRange.within(node.range, base.offset + sliceStart, base.offset + index) ??
        { start: startPosition, end: { offset: base.offset + index, line, column } };
      slices.push({ kind: 'text', value, raw: value, range });
      if (atEnd) break;
      line++;
      column = 0;
      sliceStart = index + 1;
      startPosition = { offset: base.offset + index + 1, line, column: 0 };
      continue;
    }
    column++;
  }
  return slices;
}

/**
 * Splits a body into tags at its commas, at BREAK / AND, and at line breaks. Empty tags are
 * dropped. Remembered per body, like walk(). Every rule of a run reads these, so it allocates
 * little: only each tag's own node list.
 */
export function tagsOf(body: readonly PromptNode[] | undefined): readonly Tag[] {
  if (!body) return [];
  const cached = tagLists.get(body);
  if (cached) return cached;
  const tags: Tag[] = [];
  // The current tag's nodes, blank text left out.
  let pending: PromptNode[] | undefined;
  const add = (node: PromptNode): void => {
    if (node.kind === 'text' && isBlank(node.value)) return;
    if (pending) pending.push(node);
    else pending = [node];
  };
  const flush = (end?: PromptNode): void => {
    if (!pending) return;
    tags.push(tagOf(pending, end));
    pending = undefined;
  };
  for (const node of body) {
    if (node.kind === 'comma' || node.kind === 'break' || node.kind === 'and' || node.kind === 'and-weight') {
      flush(node);
    } else if (node.kind === 'text' && node.value.includes('\n')) {
      const slices = splitAtLineBreaks(node);
      for (let index = 0; index < slices.length; index++) {
        if (index > 0) flush();
        add(slices[index]!);
      }
    } else {
      add(node);
    }
  }
  flush();
  tagLists.set(body, tags);
  return tags;
}

function tagOf(nodes: PromptNode[], end: PromptNode | undefined): Tag {
  const tag: Tag = { nodes, range: SourceRange.span(nodes[0]!.range, nodes[nodes.length - 1]!.range) };
  let onlyText = true;
  for (const node of nodes) if (node.kind !== 'text') onlyText = false;
  if (onlyText) {
    const written = nodes.length === 1 ? (nodes[0] as TextNode).value : nodes.map((node) => (node as TextNode).value).join('');
    const plain = normalizeTag(written);
    if (plain) tag.plain = plain;
  }
  if (end) tag.end = end;
  return tag;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // The characters String.prototype.trim removes that prompts actually contain.
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13 && code !== 0xa0 && code !== 0x3000) return text.trim() === '';
  }
  return true;
}

/** A tag compared as people mean it: whitespace runs as one space, trimmed, case-insensitive. */
function normalizeTag(text: string): string {
  const trimmed = text.trim();
  return (/^\S+(?: \S+)*$/.test(trimmed) || trimmed === '' ? trimmed : trimmed.replace(/\s+/g, ' ')).toLowerCase();
}

/** Formats a weight the way people write it: up to 4 decimals, no trailing zeros. */
export function formatWeight(weight: number): string {
  const fixed = weight.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}
