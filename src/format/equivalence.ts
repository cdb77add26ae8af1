/**
 * What "the formatter keeps the meaning" means, as a function the tests (and anyone doubting a
 * formatting) can call: two prompt files mean the same when
 *  - they parse to the same form, with the same prompt and fragment names, includes, comments and
 *    parameter entries (key and value as read);
 *  - every prompt text (positive, negative, fragment body, file-level negative) conditions A1111
 *    the same way (`sameConditioning`), and so does every prompt after its `${fragment}`
 *    references are expanded (src/semantics/analyze.ts; includes are not read).
 *
 * Two prompt texts condition A1111 the same way when conditionA1111 gives, for the same step counts:
 * the same extra-network calls (type and raw arguments), the same schedule fallback and error state,
 * the same number of ambiguities, the same AND parts with the same weights, the same schedule steps,
 * and for each step the same attention list *as CLIP reads it*: A1111 (modules/sd_hijack_clip.py
 * tokenize_line) tokenizes each (text, weight) segment on its own, so the list is compared as the
 * sequence of (CLIP piece, weight) pairs, with `BREAK` (weight -1) as a marker. Whitespace that does
 * not change CLIP's pieces, and how segments of equal weight are cut, are therefore not differences;
 * everything that reaches the text encoder is.
 */
import type { PromptFile, PromptText } from '../grammar/ast.js';
import { parse } from '../grammar/parse.js';
import { analyze } from '../semantics/analyze.js';
import { conditionA1111 } from '../semantics/a1111/index.js';
import type { A1111Conditioning, AttentionSegment, ScheduleOptions } from '../semantics/model.js';
import { clipPieces } from './clip-pieces.js';

/** The step settings every prompt text is compared under. */
export const COMPARED_SCHEDULES: readonly ScheduleOptions[] = [{ steps: 20 }, { steps: 7, hiresSteps: 12 }];

export type Equivalence = { same: true } | { same: false; reason: string };

const SAME: Equivalence = { same: true };

function differ(reason: string): Equivalence {
  return { same: false, reason };
}

/** The attention list as the text encoder receives it: weighted CLIP pieces and BREAK markers. */
export function weightedPieces(attention: readonly AttentionSegment[]): Array<[string, number]> {
  const result: Array<[string, number]> = [];
  for (const segment of attention) {
    // sd_hijack_clip.py: `if text == 'BREAK' and weight == -1` starts a new chunk.
    if (segment.text === 'BREAK' && segment.weight === -1) {
      result.push(['\u0000BREAK', -1]);
      continue;
    }
    for (const piece of clipPieces(segment.text)) result.push([piece, segment.weight]);
  }
  return result;
}

function samePieces(a: Array<[string, number]>, b: Array<[string, number]>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]![0] !== b[i]![0] || !Object.is(a[i]![1], b[i]![1])) return false;
  }
  return true;
}

function conditioning(text: string, options: ScheduleOptions): A1111Conditioning | string {
  try {
    return conditionA1111(text, options);
  } catch (error) {
    return `conditionA1111 threw: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Compares what A1111 makes of two prompt strings (see the module comment). */
export function sameConditioning(before: string, after: string, schedules = COMPARED_SCHEDULES): Equivalence {
  for (const options of schedules) {
    const a = conditioning(before, options);
    const b = conditioning(after, options);
    if (typeof a === 'string' || typeof b === 'string') return typeof a === typeof b ? SAME : differ(String(typeof a === 'string' ? a : b));
    if ((a.error === undefined) !== (b.error === undefined)) return differ(`error: ${a.error} / ${b.error}`);
    if (a.scheduleFallback !== b.scheduleFallback) return differ('schedule fallback differs');
    if (a.ambiguities.length !== b.ambiguities.length) return differ('ambiguities differ');
    if (JSON.stringify(a.networks.map((n) => [n.type, n.args])) !== JSON.stringify(b.networks.map((n) => [n.type, n.args]))) {
      return differ('extra networks differ');
    }
    if (a.subprompts.length !== b.subprompts.length) return differ('number of AND parts differs');
    for (let p = 0; p < a.subprompts.length; p++) {
      const partA = a.subprompts[p]!;
      const partB = b.subprompts[p]!;
      if (!Object.is(partA.weight, partB.weight)) return differ(`AND part ${p}: weight ${partA.weight} / ${partB.weight}`);
      if (partA.schedules.length !== partB.schedules.length) return differ(`AND part ${p}: schedule steps differ`);
      for (let s = 0; s < partA.schedules.length; s++) {
        const stepA = partA.schedules[s]!;
        const stepB = partB.schedules[s]!;
        if (stepA.step !== stepB.step) return differ(`AND part ${p}: step ${stepA.step} / ${stepB.step}`);
        if (!samePieces(weightedPieces(stepA.attention), weightedPieces(stepB.attention))) {
          return differ(
            `AND part ${p}, step ${stepA.step}: attention ${JSON.stringify(stepA.attention.map((x) => [x.text, x.weight]))} / ${JSON.stringify(stepB.attention.map((x) => [x.text, x.weight]))}`,
          );
        }
      }
    }
  }
  return SAME;
}

interface FileFacts {
  form: string;
  names: string;
  params: string;
  comments: string;
  texts: Array<[string, PromptText]>;
}

function facts(file: PromptFile): FileFacts {
  const texts: Array<[string, PromptText]> = [];
  const blocks = (owner: string, list: PromptFile['blocks']): string[] =>
    list.map((block) => `${owner}@${block.block}{${block.entries.map((entry) => `${entry.key}=${entry.value?.value ?? ''}`).join(';')}}`);
  const params: string[] = [...blocks('file', file.blocks)];
  if (file.negative) texts.push(['file negative', file.negative]);
  for (const fragment of file.fragments) texts.push([`fragment ${fragment.name}`, fragment.text]);
  file.prompts.forEach((prompt, index) => {
    const label = `prompt ${prompt.name ?? index}`;
    texts.push([`${label} positive`, prompt.positive]);
    if (prompt.negative) texts.push([`${label} negative`, prompt.negative]);
    params.push(...blocks(label, prompt.blocks));
  });
  return {
    form: file.form,
    names: JSON.stringify([
      file.prompts.map((prompt) => prompt.name ?? null),
      file.fragments.map((fragment) => fragment.name),
      file.includes.map((include) => include.path),
      file.prompts.map((prompt) => prompt.negative !== undefined),
      file.negative !== undefined,
    ]),
    params: params.join('\n'),
    comments: JSON.stringify(file.comments.map((comment) => comment.text.trimEnd())),
    texts,
  };
}

/** Compares the prompts of two files after fragment expansion, where expansion changed anything. */
function sameExpandedPrompts(before: PromptFile, after: PromptFile, schedules: readonly ScheduleOptions[]): Equivalence {
  // Conditioning is compared below under `schedules`; the model's own is not needed.
  const condition = (): A1111Conditioning => ({ networks: [], subprompts: [], ambiguities: [], scheduleFallback: false });
  const a = analyze(before, { condition }).prompts;
  const b = analyze(after, { condition }).prompts;
  if (a.length !== b.length) return differ('number of prompts differs after expansion');
  for (let i = 0; i < a.length; i++) {
    const pairs: Array<[string, string | undefined, string | undefined, boolean]> = [
      ['positive', a[i]!.positive.text, b[i]!.positive.text, a[i]!.positive.text !== a[i]!.positive.node.text],
      ['negative', a[i]!.negative?.text, b[i]!.negative?.text, a[i]!.negative?.text !== a[i]!.negative?.node.text],
    ];
    for (const [label, textA, textB, expanded] of pairs) {
      if ((textA === undefined) !== (textB === undefined)) return differ(`prompt ${i} ${label}: presence differs`);
      if (textA === undefined || textB === undefined || !expanded) continue;
      const result = sameConditioning(textA, textB, schedules);
      if (!result.same) return differ(`prompt ${i} ${label} after fragment expansion: ${result.reason}`);
    }
  }
  return SAME;
}

/** Compares two prompt files (see the module comment). */
export function sameFileMeaning(before: string, after: string, schedules = COMPARED_SCHEDULES): Equivalence {
  const astA = parse(before).ast;
  const astB = parse(after).ast;
  const a = facts(astA);
  const b = facts(astB);
  if (a.form !== b.form) return differ(`form ${a.form} / ${b.form}`);
  if (a.names !== b.names) return differ(`names ${a.names} / ${b.names}`);
  if (a.params !== b.params) return differ(`parameters\n${a.params}\n/\n${b.params}`);
  if (a.comments !== b.comments) return differ(`comments ${a.comments} / ${b.comments}`);
  for (let i = 0; i < a.texts.length; i++) {
    const [label, textA] = a.texts[i]!;
    const result = sameConditioning(textA.text, b.texts[i]![1].text, schedules);
    if (!result.same) return differ(`${label}: ${result.reason}`);
  }
  return astA.fragments.length > 0 ? sameExpandedPrompts(astA, astB, schedules) : SAME;
}
