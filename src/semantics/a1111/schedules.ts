/**
 * A1111 modules/prompt_parser.py `get_learned_conditioning_prompt_schedules` for one prompt:
 * which texts the model sees, and up to which step each one applies.
 *
 * Step rules (v1.10, CollectSteps/AtStep):
 *  - with hires steps (and not old scheduling) `steps` is the hires step count, an integer `when`
 *    counts from the end of the base pass (`when - base_steps`) and a fraction counts from 1 to 2
 *    (`(when - 1) * steps`); a NUMBER is a fraction when its text contains '.' (so `1e1` is an
 *    integer and `1.` a fraction);
 *  - old scheduling: `when * steps` if `when < 1` else `when`;
 *  - `when = min(steps, int(v))`, and it joins the step list only when >= 1;
 *  - any `[a|b]` adds every step 1..steps; `[a|b]` picks option `(step - 1) % len`;
 *  - `[before:after:when]` shows `before` while `step <= when`, else `after`.
 * Whatever lark rejects (a `|` outside `[…]`, a trailing or newline-escaping `\`) gives
 * `[[steps, text]]` (the fallback).
 */
import type { Ambiguity, ScheduleOptions, ScheduleStep } from '../model.js';
import { A1111Error, parsePromptAttention } from './attention.js';
import { ScheduleParser, type BracketGroup, type ScheduleStructure, type StartAmbiguity } from './scheduleGrammar.js';

export interface PromptSchedules {
  /** True when A1111's schedule grammar rejects the text. */
  fallback: boolean;
  ambiguities: Ambiguity[];
  steps: ScheduleStep[];
}

const MAX_ALTERNATION_STEPS = 100_000;

/** A rendered text as source ranges [start, end) of the prompt text. */
type Ranges = number[];

function pythonInt(value: number): number {
  if (Number.isNaN(value)) throw new A1111Error('ValueError: cannot convert float NaN to integer');
  if (!Number.isFinite(value)) throw new A1111Error('OverflowError: cannot convert float infinity to integer');
  return Math.trunc(value);
}

class ScheduleRenderer {
  /** Resolved `when` of each scheduled group, by group start. */
  readonly when = new Map<number, number>();
  hasAlternate = false;

  constructor(
    readonly parser: ScheduleParser,
    readonly structure: ScheduleStructure,
  ) {}

  /** Every dynamic group inside the chosen pieces, at any depth and in every branch. */
  *dynamicGroups(): Generator<BracketGroup> {
    const stack: BracketGroup[] = [];
    for (const piece of this.structure.pieces) {
      if (piece.kind === 'prompt') for (const group of this.parser.itemGroups(piece.start, piece.end)) if (group.dynamic) stack.push(group);
    }
    while (stack.length > 0) {
      const group = stack.pop()!;
      yield group;
      for (const [a, b] of group.prompts) for (const inner of this.parser.itemGroups(a, b)) if (inner.dynamic) stack.push(inner);
    }
  }

  collectSteps(options: ScheduleOptions): number[] {
    const hires = options.hiresSteps !== undefined && options.hiresSteps !== null && !options.useOldScheduling;
    const steps = hires ? options.hiresSteps! : options.steps;
    const intOffset = hires ? options.steps : 0;
    const floatOffset = hires ? 1.0 : 0;
    const found = new Set<number>([steps]);
    for (const group of this.dynamicGroups()) {
      if (group.kind === 'alternate') {
        // A1111 materializes range(1, steps + 1); refuse step counts no sampler would run.
        if (steps > MAX_ALTERNATION_STEPS) throw new A1111Error(`steps=${steps} is too large to expand an alternation [a|b] step by step (limit ${MAX_ALTERNATION_STEPS})`);
        this.hasAlternate = true;
        for (let s = 1; s <= steps; s++) found.add(s);
      } else if (group.kind === 'scheduled') {
        let v = Number(group.when);
        if (options.useOldScheduling) v = v < 1 ? v * steps : v;
        else if (group.when.includes('.')) v = (v - floatOffset) * steps;
        else v = v - intOffset;
        const when = Math.min(steps, pythonInt(v));
        this.when.set(group.start, when);
        if (when >= 1) found.add(when);
      }
    }
    return [...found].sort((a, b) => a - b);
  }

  render(step: number): Ranges {
    const out: Ranges = [];
    for (const piece of this.structure.pieces) {
      if (piece.kind === 'literal') pushRange(out, piece.start, piece.end);
      else this.renderPrompt(piece.start, piece.end, step, out);
    }
    return out;
  }

  /** The dynamic group items of a prompt span, computed once per span (render runs per step). */
  private readonly dynamicItems = new Map<number, BracketGroup[]>();

  private dynamicItemsOf(a: number, b: number): BracketGroup[] {
    const key = a * (this.parser.text.length + 1) + b;
    let items = this.dynamicItems.get(key);
    if (items === undefined) {
      items = [];
      for (const group of this.parser.itemGroups(a, b)) if (group.dynamic) items.push(group);
      this.dynamicItems.set(key, items);
    }
    return items;
  }

  private renderPrompt(a: number, b: number, step: number, out: Ranges): void {
    let cursor = a;
    for (const group of this.dynamicItemsOf(a, b)) {
      pushRange(out, cursor, group.start);
      this.renderGroup(group, step, out);
      cursor = group.end;
    }
    pushRange(out, cursor, b);
  }

  private renderGroup(group: BracketGroup, step: number, out: Ranges): void {
    if (group.kind === 'emphasis') {
      let cursor = group.start;
      for (const [a, b] of group.prompts) {
        pushRange(out, cursor, a);
        this.renderPrompt(a, b, step, out);
        cursor = b;
      }
      pushRange(out, cursor, group.end);
    } else if (group.kind === 'alternate') {
      const count = group.prompts.length;
      const [a, b] = group.prompts[(((step - 1) % count) + count) % count]!;
      this.renderPrompt(a, b, step, out);
    } else {
      const when = this.when.get(group.start)!;
      if (step <= when) {
        if (group.hasBefore) this.renderPrompt(group.prompts[0]![0], group.prompts[0]![1], step, out);
      } else {
        const [a, b] = group.prompts[group.prompts.length - 1]!;
        this.renderPrompt(a, b, step, out);
      }
    }
  }
}

function pushRange(out: Ranges, start: number, end: number): void {
  if (end <= start) return;
  if (out.length > 0 && out[out.length - 1] === start) out[out.length - 1] = end;
  else out.push(start, end);
}

function sameRanges(a: Ranges, b: Ranges): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function materialize(text: string, origins: readonly number[] | undefined, ranges: Ranges): { text: string; origins: number[] } {
  let out = '';
  const map: number[] = [];
  if (ranges.length === 2 && origins) return { text: text.slice(ranges[0], ranges[1]), origins: origins.slice(ranges[0], ranges[1]) };
  for (let i = 0; i < ranges.length; i += 2) {
    const start = ranges[i]!;
    const end = ranges[i + 1]!;
    out += text.slice(start, end);
    if (origins) for (let p = start; p < end; p++) map.push(origins[p]!);
    else for (let p = start; p < end; p++) map.push(p);
  }
  return { text: out, origins: map };
}

/** The bracket structure alone (for tools that need the parse, e.g. linters). */
export function scheduleStructure(text: string): ScheduleStructure {
  try {
    return new ScheduleParser(text).parse();
  } catch (error) {
    // Only a pathological nesting depth overflows the stack; lark would hit Python's recursion limit.
    if (error instanceof RangeError) throw new A1111Error('RecursionError: brackets nested too deeply');
    throw error;
  }
}

/**
 * The prompt schedule of one AND part, with the attention of each step's text. `origins[i]` is the
 * source offset of `text[i]` (defaults to i). Throws A1111Error where A1111 raises.
 */
export function promptSchedules(text: string, options: ScheduleOptions, origins?: readonly number[]): PromptSchedules {
  const hires = options.hiresSteps !== undefined && options.hiresSteps !== null && !options.useOldScheduling;
  const steps = hires ? options.hiresSteps! : options.steps;
  const parser = new ScheduleParser(text);
  let structure: ScheduleStructure;
  try {
    structure = parser.parse();
  } catch (error) {
    if (error instanceof RangeError) throw new A1111Error('RecursionError: brackets nested too deeply');
    throw error;
  }
  const at = (i: number) => (origins ? origins[i] ?? -1 : i);
  if (!structure.ok) {
    const whole = materialize(text, origins, text.length > 0 ? [0, text.length] : []);
    return { fallback: true, ambiguities: [], steps: [{ step: steps, ...whole, attention: parsePromptAttention(whole.text, whole.origins) }] };
  }
  const renderer = new ScheduleRenderer(parser, structure);
  const stepList = renderer.collectSteps(options);
  // Steps that show the same source ranges (e.g. the two sides of an alternation) share one
  // text/origins/attention; treat them as read-only.
  const seen: Array<{ ranges: Ranges; shown: Omit<ScheduleStep, 'step'> }> = [];
  const result: ScheduleStep[] = [];
  for (const step of stepList) {
    const ranges = renderer.render(step);
    let shown = seen.find((entry) => sameRanges(entry.ranges, ranges))?.shown;
    if (shown === undefined) {
      const rendered = materialize(text, origins, ranges);
      shown = { text: rendered.text, origins: rendered.origins, attention: parsePromptAttention(rendered.text, rendered.origins) };
      seen.push({ ranges, shown });
    }
    result.push({ step, text: shown.text, origins: shown.origins, attention: shown.attention });
  }
  const ambiguities: Ambiguity[] = structure.ambiguities.map((tie) => ({
    textStart: at(tie.start),
    textEnd: at(Math.max(tie.start, tie.end - 1)) + 1,
    message: describe(text, tie),
  }));
  return { fallback: false, ambiguities, steps: result };
}

/**
 * What promptSchedules reports about the parse itself (fallback and ambiguities), without rendering
 * any step or attention list: neither depends on the steps. For linters, which need only these.
 */
export function scheduleFindings(text: string, origins?: readonly number[]): Pick<PromptSchedules, 'fallback' | 'ambiguities'> {
  const structure = scheduleStructure(text);
  if (!structure.ok) return { fallback: true, ambiguities: [] };
  const at = (i: number) => (origins ? origins[i] ?? -1 : i);
  const ambiguities: Ambiguity[] = structure.ambiguities.map((tie) => ({
    textStart: at(tie.start),
    textEnd: at(Math.max(tie.start, tie.end - 1)) + 1,
    message: describe(text, tie),
  }));
  return { fallback: false, ambiguities };
}

function describe(text: string, tie: StartAmbiguity): string {
  const head = 'A1111 reads this bracket structure differently between restarts (lark breaks a tie by Python hash order)';
  if (tie.groups.length === 0) return `${head}; sdprompt reads the longest well-formed prefix. Balance or escape the brackets to make it definite.`;
  const show = (g: BracketGroup) => `'${text.slice(g.start, g.end)}'`;
  const asSyntax = tie.groups.filter((_, i) => tie.chosen[i]).map(show);
  const asText = tie.groups.filter((_, i) => !tie.chosen[i]).map(show);
  const syntaxGroups = tie.groups.filter((_, i) => tie.chosen[i]);
  const noun = syntaxGroups.every((g) => g.kind === 'alternate') ? 'alternation' : syntaxGroups.every((g) => g.kind === 'scheduled') ? 'schedule' : 'schedule/alternation';
  const reading = [asSyntax.length > 0 ? `${asSyntax.join(', ')} as ${asSyntax.length > 1 ? `${noun}s` : `a${noun === 'alternation' ? 'n' : ''} ${noun}`}` : '', asText.length > 0 ? `${asText.join(', ')} as literal text` : '']
    .filter(Boolean)
    .join(' and ');
  return `${head}: ${tie.groups.map(show).join(', ')} may be syntax or literal text; sdprompt reads ${reading}. Balance or escape the stray brackets to make it definite.`;
}
