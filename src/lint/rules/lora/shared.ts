/** Helpers shared by the `lora/…` rules. */
import type { NetworkNode, PromptNode } from '../../../grammar/ast.js';
import type { PromptTextSite } from '../../types.js';
import { walk } from '../../walk.js';

/** Extra-network types A1111 reads as LoRA (extra_networks_lora.py; `lyco` is its alias). */
export const LORA_TYPES = new Set(['lora', 'lyco']);

export function isLoraTag(node: PromptNode): node is NetworkNode {
  return node.kind === 'network' && node.closed && LORA_TYPES.has(node.type.toLowerCase());
}

/** Every closed `<lora:…>` / `<lyco:…>` tag of a prompt text, in document order. */
export function loraTags(site: PromptTextSite): NetworkNode[] {
  const tags: NetworkNode[] = [];
  for (const { node } of walk(site.node.body)) if (isLoraTag(node)) tags.push(node);
  return tags;
}

/** The LoRA name a tag names (its first argument). */
export function loraName(node: NetworkNode): string | undefined {
  const first = node.args[0];
  return first && first.name === undefined ? first.value.trim() : undefined;
}

/**
 * A1111 reads multipliers with Python float(): accepts `1`, `.5`, `1.`, `+1`, `1e-1`, ` 1 `;
 * rejects `1..2`, `.`, `abc`.
 */
export function pythonFloat(raw: string): number {
  const text = raw.trim();
  if (!/^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i.test(text)) return Number.NaN;
  return Number(text.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
}
