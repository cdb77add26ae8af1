/**
 * Known names and value readers for generation parameters (shared by parameters.ts and the linter).
 * Names come from A1111 v1.10 (samplers and "Schedule type"), see ../shared/reference/a1111.md §7.
 */
import type { EngineKind } from './model.js';

export const ENGINES: readonly EngineKind[] = ['a1111', 'forge', 'sdnext', 'comfyui', 'sdcpp', 'compel'];

/** A1111 v1.9+ sampler names (sd_samplers_kdiffusion.py, sd_samplers_timesteps.py, v1.10 DDIM CFG++). */
export const SAMPLERS: readonly string[] = [
  'DPM++ 2M',
  'DPM++ SDE',
  'DPM++ 2M SDE',
  'DPM++ 2M SDE Heun',
  'DPM++ 2S a',
  'DPM++ 3M SDE',
  'Euler a',
  'Euler',
  'LMS',
  'Heun',
  'DPM2',
  'DPM2 a',
  'DPM fast',
  'DPM adaptive',
  'Restart',
  'DDIM',
  'DDIM CFG++',
  'PLMS',
  'UniPC',
  'LCM',
];

/**
 * Samplers A1111 marks `second_order` (sd_samplers_kdiffusion.py): SamplerData.total_steps doubles
 * their steps, and prompt schedules are computed over that doubled count (one entry per denoiser call).
 */
const SECOND_ORDER_SAMPLERS: ReadonlySet<string> = new Set(['DPM++ SDE', 'DPM++ 2S a', 'Heun', 'DPM2', 'DPM2 a', 'Restart']);

/** A1111's sampler_config.total_steps(steps) // steps: 2 for second-order samplers, else 1 (also unknown ones). */
export function samplerStepMultiplier(sampler: string | undefined): number {
  if (sampler === undefined) return 1;
  const resolved = resolveSampler(sampler);
  return resolved !== undefined && SECOND_ORDER_SAMPLERS.has(resolved.sampler) ? 2 : 1;
}

/** A1111 v1.9+ "Schedule type" names (sd_schedulers.py). */
export const SCHEDULERS: readonly string[] = [
  'Automatic',
  'Uniform',
  'Karras',
  'Exponential',
  'Polyexponential',
  'SGM Uniform',
  'KL Optimal',
  'Align Your Steps',
  'Simple',
  'Normal',
  'DDIM',
  'Beta',
];

/** The v1.8 labels that name a scheduler after the sampler ("DPM++ 2M Karras"); v1.9+ still accepts them. */
const COMBINED_SUFFIXES = ['Karras', 'Exponential'];

export interface SamplerName {
  sampler: string;
  /** Set when the name was a v1.8 combined label. */
  scheduler?: string;
}

/** Resolves a sampler as written (exact, case-insensitive, or v1.8 combined); undefined when unknown. */
export function resolveSampler(written: string): SamplerName | undefined {
  const lower = written.trim().toLowerCase();
  const exact = SAMPLERS.find((name) => name.toLowerCase() === lower);
  if (exact) return { sampler: exact };
  for (const suffix of COMBINED_SUFFIXES) {
    const tail = ` ${suffix.toLowerCase()}`;
    if (!lower.endsWith(tail)) continue;
    const base = SAMPLERS.find((name) => name.toLowerCase() === lower.slice(0, -tail.length));
    if (base) return { sampler: base, scheduler: suffix };
  }
  return undefined;
}

/** Every sampler label a user may write, for "did you mean" and completion. */
export function samplerLabels(): string[] {
  const labels = [...SAMPLERS];
  for (const sampler of SAMPLERS) for (const suffix of COMBINED_SUFFIXES) labels.push(`${sampler} ${suffix}`);
  return labels;
}

export function resolveScheduler(written: string): string | undefined {
  const lower = written.trim().toLowerCase();
  return SCHEDULERS.find((name) => name.toLowerCase() === lower);
}

const integerPattern = /^[+-]?\d+$/;
const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function readInteger(raw: string): number | undefined {
  const text = raw.trim();
  return integerPattern.test(text) ? Number(text) : undefined;
}

export function readNumber(raw: string): number | undefined {
  const text = raw.trim();
  return numberPattern.test(text) ? Number(text) : undefined;
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

export function readBoolean(raw: string): boolean | undefined {
  const text = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  return undefined;
}

/** `WxH` (as A1111 writes Size in infotext, re_imagesize = ^(\d+)x(\d+)$); also accepts `W x H` and `×`. */
export function readSize(raw: string): { width: number; height: number } | undefined {
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(raw);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

/** Parameter keys as written → canonical form: lower case, runs of spaces and `_` → `-`. */
export function normalizeKey(key: string): string {
  return key.trim().toLowerCase().replace(/[\s_]+/g, '-');
}
