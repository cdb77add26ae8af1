/**
 * What A1111 v1.10 makes of one prompt string, in its own order (modules/processing.py):
 * extra networks are stripped from the whole prompt first (extra_networks.parse_prompts), then the
 * text is split on AND (get_multicond_prompt_list), each part gets its schedule
 * (get_learned_conditioning_prompt_schedules), and each schedule text its attention list
 * (parse_prompt_attention, called from sd_hijack_clip when emphasis is not "None").
 */
import type { A1111Conditioning, ScheduleOptions, SubPrompt } from '../model.js';
import { A1111Error } from './attention.js';
import { splitAnd } from './andSplit.js';
import { parseExtraNetworks } from './extraNetworks.js';
import { promptSchedules } from './schedules.js';

/** A1111's default sampling steps, used when a caller gives none. */
export const DEFAULT_STEPS = 20;

export function conditionA1111(text: string, options: ScheduleOptions): A1111Conditioning {
  const networks = parseExtraNetworks(text);
  const parts = splitAnd(networks.text, networks.origins);
  const result: A1111Conditioning = { networks: networks.calls, subprompts: [], ambiguities: [], scheduleFallback: false };
  try {
    const subprompts: SubPrompt[] = [];
    for (const part of parts) {
      const schedules = promptSchedules(part.text, options, part.origins);
      if (schedules.fallback) result.scheduleFallback = true;
      result.ambiguities.push(...schedules.ambiguities);
      subprompts.push({ weight: part.weight, text: part.text, schedules: schedules.steps });
    }
    result.subprompts = subprompts;
  } catch (error) {
    // Only nesting thousands of scheduled/alternate groups deep overflows the stack; A1111 raises
    // RecursionError far earlier (about 250 levels, in lark's tree transformer).
    if (error instanceof RangeError) result.error = 'RecursionError: brackets nested too deeply';
    else if (error instanceof A1111Error) result.error = error.message;
    else throw error;
  }
  return result;
}

/** The `explain --engine a1111 --jsonl` contract shape of one result. */
export interface ExplainJson {
  networks?: Array<{ type: string; args: string[] }>;
  subprompts?: Array<{ weight: number; schedules: Array<{ step: number; attention: Array<[string, number]> }> }>;
  error?: string;
}

export function toExplainJson(condition: A1111Conditioning): ExplainJson {
  if (condition.error !== undefined) return { error: condition.error };
  return {
    networks: condition.networks.map((call) => ({ type: call.type, args: call.args })),
    subprompts: condition.subprompts.map((part) => ({
      weight: part.weight,
      schedules: part.schedules.map((step) => ({
        step: step.step,
        attention: step.attention.map((segment): [string, number] => [segment.text, segment.weight]),
      })),
    })),
  };
}

/**
 * JSON as Python's json.dumps writes it for these payloads: identical for finite numbers (both
 * print the shortest round-trip form), and `Infinity`/`-Infinity`/`NaN` where Python emits them
 * (JSON.stringify would write null).
 */
export function stringifyPythonJson(value: unknown): string {
  let special = false;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item)) {
      special = true;
      return `\u0000${Number.isNaN(item) ? 'NaN' : item > 0 ? 'Infinity' : '-Infinity'}\u0000`;
    }
    return item;
  });
  return special ? text.replace(/"\\u0000([^\\]*)\\u0000"/g, '$1') : text;
}
