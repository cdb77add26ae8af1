/**
 * The engine rules read the compiler's own lowering notes, so the linter and `sdprompt compile`
 * can never disagree about what an engine loses. Notes are computed once per prompt and engine
 * per lint run (cached on the context object).
 */
import { compileIr } from '../../../compile/compile.js';
import { lowerPromptModel } from '../../../compile/lower.js';
import type { LossyStep, TargetName } from '../../../compile/target.js';
import type { RuleContext } from '../../types.js';

const cache = new WeakMap<object, Map<number, LossyStep[]>>();

/**
 * Targets whose lowering never reports a loss the engine rules own. The A1111 target is the
 * reference the semantic model reproduces: its compiler notes are only problems other rules own
 * (a network in the negative prompt is `lora/in-negative`, an unknown inpainting fill is a
 * parameter check), so linting for it needs no lowering at all, which is a sixth of a lint run.
 * tests/lint/engine-rules.test.ts keeps this true on every fixture.
 */
export const TARGETS_WITHOUT_ENGINE_NOTES: ReadonlySet<TargetName> = new Set<TargetName>(['a1111']);

/** The compiler note codes each engine rule reports. */
export const NOTE_CODES_BY_RULE = {
  'engine/and-semantics': ['engine/and-semantics', 'engine/and-weight'],
  'engine/lora-arguments': ['engine/lora-te-unet', 'engine/lora-dyn', 'engine/lyco-alias'],
  'engine/unsupported-construct': ['engine/and-unsupported', 'engine/schedule-unsupported'],
  'engine/unsupported-network': ['engine/unsupported-network'],
  'engine/unwritable-text': ['engine/escape', 'engine/compel-operator'],
} as const satisfies Record<string, readonly string[]>;

/** Every lowering note of every prompt of the file, for the engine each prompt targets. */
export function engineNotes(context: RuleContext): LossyStep[] {
  let perPrompt = cache.get(context.model);
  if (!perPrompt) {
    perPrompt = new Map();
    cache.set(context.model, perPrompt);
  }
  const notes: LossyStep[] = [];
  context.model.prompts.forEach((prompt, index) => {
    let found = perPrompt!.get(index);
    if (!found) {
      const target: TargetName = context.engineOf(prompt);
      if (TARGETS_WITHOUT_ENGINE_NOTES.has(target)) return;
      found = compileIr(lowerPromptModel(prompt, index), target, { randomSeed: () => 0 }).notes;
      perPrompt!.set(index, found);
    }
    notes.push(...found);
  });
  return notes;
}

/** Reports the notes with one of `codes` (each once per source range). */
export function reportNotes(context: RuleContext, codes: readonly string[]): void {
  const seen = new Set<string>();
  for (const note of engineNotes(context)) {
    if (!codes.includes(note.code)) continue;
    const key = `${note.source.start}:${note.source.end}:${note.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    context.report({
      range: { start: context.positionAt(note.source.start), end: context.positionAt(note.source.end) },
      message: note.message,
      ...(note.severity === 'info' ? { severity: 'info' as const } : {}),
    });
  }
}
