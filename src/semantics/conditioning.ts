/**
 * The bridge from analyze() to the A1111 model in ./a1111/ (conditionA1111). A failure inside the
 * model must not take a whole file's analysis down, so it becomes the conditioning's `error`.
 */
import { conditionA1111 } from './a1111/index.js';
import type { A1111Conditioning, ScheduleOptions } from './model.js';

export type Conditioner = (text: string, options: ScheduleOptions) => A1111Conditioning;

/** What analyze() reports when the A1111 model could not run on a text. */
export function unconditioned(text: string, options: ScheduleOptions, error: string): A1111Conditioning {
  return {
    networks: [],
    subprompts: [{ weight: 1, text, schedules: [{ step: options.steps, text, origins: [], attention: [] }] }],
    ambiguities: [],
    scheduleFallback: false,
    error,
  };
}

export function conditionPrompt(text: string, options: ScheduleOptions): A1111Conditioning {
  try {
    return conditionA1111(text, options);
  } catch (error) {
    return unconditioned(text, options, `the A1111 model failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
