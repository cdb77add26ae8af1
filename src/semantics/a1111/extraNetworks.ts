/**
 * A1111 modules/extra_networks.py `parse_prompt`: `re.sub(r"<(\w+):([^>]+)>", found, prompt)`,
 * with args = `group(2).split(":")`. `\w` is Python's Unicode word class (letters, numbers, `_`),
 * so `<JL_sectionplan:0.1>` is a call of type `JL_sectionplan` that A1111 then skips as unknown.
 *
 * A1111 collects the calls in a dict type → list, so the order it hands to the networks is:
 * types in order of first appearance, each type's calls in textual order. `calls` follows it.
 */
import type { ExtraNetworkCall } from '../model.js';
import { PY_WORD_CLASS } from './pythonText.js';

const EXTRA_NETWORK = new RegExp(`<([${PY_WORD_CLASS}]+):([^>]+)>`, 'gu');

export interface ExtraNetworkParse {
  /** The prompt with every tag removed. */
  text: string;
  /** Source offset of each char of `text`. */
  origins: number[];
  /** Calls grouped as A1111 orders them (see the module comment). */
  calls: ExtraNetworkCall[];
  /** The same calls in textual order. */
  textualCalls: ExtraNetworkCall[];
}

/** `track: false` leaves `origins` empty (for callers that need no positions). */
export function parseExtraNetworks(prompt: string, origins?: readonly number[], track = true): ExtraNetworkParse {
  const textualCalls: ExtraNetworkCall[] = [];
  let text = '';
  const map: number[] = [];
  let last = 0;
  const keep = (start: number, end: number) => {
    text += prompt.slice(start, end);
    if (!track) return;
    if (origins) for (let p = start; p < end; p++) map.push(origins[p]!);
    else for (let p = start; p < end; p++) map.push(p);
  };
  if (!prompt.includes('<')) {
    keep(0, prompt.length);
    return { text, origins: map, calls: [], textualCalls: [] };
  }
  EXTRA_NETWORK.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = EXTRA_NETWORK.exec(prompt)) !== null) {
    keep(last, match.index);
    const end = match.index + match[0].length;
    textualCalls.push({
      type: match[1]!,
      args: match[2]!.split(':'),
      textStart: origins ? origins[match.index]! : match.index,
      textEnd: origins ? origins[end - 1]! + 1 : end,
    });
    last = end;
  }
  keep(last, prompt.length);
  const byType = new Map<string, ExtraNetworkCall[]>();
  for (const call of textualCalls) {
    const list = byType.get(call.type);
    if (list) list.push(call);
    else byType.set(call.type, [call]);
  }
  return { text, origins: map, calls: [...byType.values()].flat(), textualCalls };
}
