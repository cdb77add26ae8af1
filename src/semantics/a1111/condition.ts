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
import { promptSchedules, scheduleFindings } from './schedules.js';

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

/** The parse-level findings of conditionA1111 (its `ambiguities`, `scheduleFallback` and `error`). */
export type A1111Findings = Pick<A1111Conditioning, 'ambiguities' | 'scheduleFallback' | 'error'>;

/**
 * conditionA1111's ambiguities and schedule fallback without the schedules and attention lists
 * (a linter needs only these, on every file; the full model costs several times more). Failures
 * that depend on the steps (a `when` Python cannot convert, an alternation over too many steps) are
 * the full model's to report; parse failures set `error` here too.
 */
export function conditionFindings(text: string): A1111Findings {
  // Positions matter only for ambiguities, which are rare: find first, track origins only then.
  const untracked = findingsOf(text, false);
  return untracked.ambiguities.length > 0 ? findingsOf(text, true) : untracked;
}

function findingsOf(text: string, track: boolean): A1111Findings {
  const networks = parseExtraNetworks(text, undefined, track);
  const parts = splitAnd(networks.text, networks.origins, track);
  const result: A1111Findings = { ambiguities: [], scheduleFallback: false };
  try {
    for (const part of parts) {
      const findings = scheduleFindings(part.text, track ? part.origins : undefined);
      if (findings.fallback) result.scheduleFallback = true;
      result.ambiguities.push(...findings.ambiguities);
    }
  } catch (error) {
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
