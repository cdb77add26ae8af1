/**
 * Helpers for targets that cannot express AND or prompt schedules (sd.cpp, compel): pick the
 * one text that stands for the prompt, and say so.
 */
import type { IrPrompt, IrScheduleStep, IrSource } from './ir.js';
import type { LossyStep } from './target.js';

/** The schedule step that is in effect for the most sampling steps (ties: the earliest). */
export function dominantStep(schedule: readonly IrScheduleStep[]): IrScheduleStep {
  let best = schedule[0]!;
  for (const step of schedule) if (step.toStep - step.fromStep > best.toStep - best.fromStep) best = step;
  return best;
}

export function firstSpanSource(prompt: IrPrompt, fallback: IrSource): IrSource {
  for (const part of prompt.parts)
    for (const step of part.schedule) for (const chunk of step.chunks) for (const span of chunk) if (span.source) return span.source;
  return fallback;
}

/**
 * Resolves AND and schedules to one step of one part (the first part, its dominant step),
 * reporting each resolution under `engine`'s name.
 */
export function resolveToSingleStep(prompt: IrPrompt, engine: string, fallback: IrSource, notes: LossyStep[]): IrScheduleStep {
  const source = firstSpanSource(prompt, fallback);
  if (prompt.parts.length > 1) {
    notes.push({
      code: 'engine/and-unsupported',
      severity: 'warning',
      message: `${engine} has no AND (composable diffusion); only the first AND part is used`,
      source,
    });
  }
  const part = prompt.parts[0]!;
  if (prompt.parts.length === 1 && part.weight !== 1) {
    notes.push({
      code: 'engine/and-weight',
      severity: 'warning',
      message: `${engine} has no composable diffusion: the prompt's weight :${part.weight} is dropped (raise the CFG scale instead)`,
      source,
    });
  }
  const step = dominantStep(part.schedule);
  if (part.schedule.length > 1) {
    notes.push({
      code: 'engine/schedule-unsupported',
      severity: 'warning',
      message: `${engine} has no prompt schedules or alternation; the text in effect for steps ${step.fromStep + 1}–${step.toStep} is used for every step`,
      source,
    });
  }
  return step;
}
