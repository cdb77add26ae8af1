/**
 * Extra-network calls and LoRA uses of a prompt text, with document ranges.
 * modules/extra_networks.py finds `<(\w+):([^>]+)>` over the whole prompt and splits the args on ':';
 * the multipliers follow A1111's Lora extension (./a1111/lora.ts loraUses).
 */
import type { LineIndex } from '../grammar/line-index.js';
import { NextGreater, networkEndAt } from '../grammar/prompt-lexer.js';
import { loraUses } from './a1111/index.js';
import type { ExtraNetworkCall, LoraUse } from './model.js';

/** Every `<type:args>` tag in the text, in textual order (A1111 groups them by type; this does not). */
export function findExtraNetworks(text: string): ExtraNetworkCall[] {
  const calls: ExtraNetworkCall[] = [];
  const greater = new NextGreater(text);
  let cursor = text.indexOf('<');
  while (cursor !== -1) {
    const end = networkEndAt(text, cursor, greater);
    if (end > 0) {
      const tag = text.slice(cursor + 1, end - 1);
      const colon = tag.indexOf(':');
      calls.push({ type: tag.slice(0, colon), args: tag.slice(colon + 1).split(':'), textStart: cursor, textEnd: end });
      cursor = text.indexOf('<', end);
    } else cursor = text.indexOf('<', cursor + 1);
  }
  return calls;
}

/** LoRA uses of a prompt text in document order, with document ranges through its source map. */
export function loraUsesOf(text: string, sourceMap: Int32Array, lines: LineIndex): LoraUse[] {
  return loraUses(findExtraNetworks(text), (textStart, textEnd) => {
    const start = sourceMap[textStart]!;
    return lines.range(start, Math.max(start, sourceMap[textEnd - 1]! + 1));
  });
}
