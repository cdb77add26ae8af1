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
