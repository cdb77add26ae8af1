import type { Rule } from '../../types.js';
import { walk } from '../../walk.js';

/**
 * A1111 get_learned_conditioning_prompt_schedules: an integer `when` is a step, clamped with
 * min(steps, int(when)); a decimal is a fraction of the steps (1..2 counts into the hires pass
 * when there is one). A switch at or after the last step never shows: the `to` text is not used.
 */
export const scheduleBeyondSteps: Rule = {
  meta: {
    id: 'prompt/schedule-beyond-steps',
    category: 'prompt',
    description: "A schedule `[from:to:when]` whose step is at or beyond the prompt's step count, so it never switches.",
    defaultSeverity: 'warn',
    examples: {
      valid: [{ code: '@params\nsteps: 20\n@prompt\na [cat:dog:10]' }],
      invalid: [{ code: '@params\nsteps: 20\n@prompt\na [cat:dog:30]', errors: 1 }],
    },
  },
  check(context) {
    for (const site of context.promptTexts()) {
      if (!site.prompt || site.role === 'fragment') continue;
      const steps = site.prompt.parameters.steps;
      const hires = site.prompt.parameters.hires?.steps;
      if (!Number.isFinite(steps) || steps < 1) continue;
      for (const { node } of walk(site.node.body)) {
        if (node.kind !== 'schedule' || !node.when || !Number.isFinite(node.when.value)) continue;
        const when = node.when.value;
        const isFraction = node.when.raw.includes('.');
        let step: number;
        if (isFraction) {
          if (when > 1 && hires) continue; // counts into the hires pass
          step = Math.floor(when * steps);
        } else {
          step = Math.trunc(when);
        }
        if (step < steps) continue;
        context.report({
          range: node.when.range,
          message: `This schedule switches at step ${isFraction ? `${step} (${node.when.raw} × ${steps})` : step}, but the prompt has ${steps} steps: the part after the switch is never used. Use a step below ${steps} (or a fraction below 1).`,
        });
      }
    }
  },
};
