/**
 * A1111 sampler and scheduler names → ComfyUI `sampler_name` / `scheduler`
 * (engine-apis.md §3 "A1111 → ComfyUI"; ComfyUI comfy/samplers.py KSampler.SAMPLERS/SCHEDULERS;
 * A1111 modules/sd_samplers.py get_sampler_and_scheduler and sd_schedulers.py).
 */

export interface ComfySampler {
  sampler: string;
  /** The scheduler A1111's "Automatic" means for this sampler (v1.9+). */
  automaticScheduler: string;
}

const SAMPLERS: Record<string, ComfySampler> = {
  'euler a': { sampler: 'euler_ancestral', automaticScheduler: 'normal' },
  euler: { sampler: 'euler', automaticScheduler: 'normal' },
  lms: { sampler: 'lms', automaticScheduler: 'normal' },
  heun: { sampler: 'heun', automaticScheduler: 'normal' },
  dpm2: { sampler: 'dpm_2', automaticScheduler: 'karras' },
  'dpm2 a': { sampler: 'dpm_2_ancestral', automaticScheduler: 'karras' },
  'dpm++ 2m': { sampler: 'dpmpp_2m', automaticScheduler: 'karras' },
  'dpm++ sde': { sampler: 'dpmpp_sde', automaticScheduler: 'karras' },
  'dpm++ 2s a': { sampler: 'dpmpp_2s_ancestral', automaticScheduler: 'karras' },
  'dpm++ 2m sde': { sampler: 'dpmpp_2m_sde', automaticScheduler: 'exponential' },
  'dpm++ 2m sde heun': { sampler: 'dpmpp_2m_sde_heun', automaticScheduler: 'exponential' },
  'dpm++ 3m sde': { sampler: 'dpmpp_3m_sde', automaticScheduler: 'exponential' },
  'dpm fast': { sampler: 'dpm_fast', automaticScheduler: 'normal' },
  'dpm adaptive': { sampler: 'dpm_adaptive', automaticScheduler: 'normal' },
  ddim: { sampler: 'ddim', automaticScheduler: 'ddim_uniform' },
  unipc: { sampler: 'uni_pc', automaticScheduler: 'normal' },
  lcm: { sampler: 'lcm', automaticScheduler: 'sgm_uniform' },
};

/** A1111 scheduler labels and names (sd_schedulers.py) → ComfyUI scheduler; absent = no equivalent. */
const SCHEDULERS: Record<string, string> = {
  karras: 'karras',
  exponential: 'exponential',
  'sgm uniform': 'sgm_uniform',
  sgm_uniform: 'sgm_uniform',
  'kl optimal': 'kl_optimal',
  kl_optimal: 'kl_optimal',
  simple: 'simple',
  normal: 'normal',
  beta: 'beta',
  ddim: 'ddim_uniform',
  // "Uniform" is the plain linear timestep schedule, ComfyUI's "normal" (approximately).
  uniform: 'normal',
};

/** Scheduler words A1111 ≥1.9 strips from the end of a sampler name (get_sampler_and_scheduler). */
const TRAILING_SCHEDULERS = ['karras', 'exponential', 'sgm uniform', 'uniform', 'kl optimal', 'simple', 'normal', 'beta', 'ddim'];

export interface SamplerMapping {
  sampler: string;
  scheduler: string;
  /** Set when the mapping is not exact; the adapter turns it into a diagnostic. */
  problem?: string;
}

const FALLBACK: SamplerMapping = { sampler: 'euler', scheduler: 'normal' };

/** Maps A1111 `Sampler` (+ `Schedule type`) to ComfyUI; undefined sampler → A1111's API default Euler. */
export function mapSamplerToComfy(sampler: string | undefined, scheduler: string | undefined): SamplerMapping {
  if (sampler === undefined) return { ...FALLBACK };
  let name = sampler.trim().toLowerCase();
  let embeddedScheduler: string | undefined;
  for (const word of TRAILING_SCHEDULERS) {
    if (name.endsWith(' ' + word) && SAMPLERS[name] === undefined) {
      embeddedScheduler = word;
      name = name.slice(0, -word.length - 1);
      break;
    }
  }
  const known = SAMPLERS[name];
  if (!known) {
    return { ...FALLBACK, problem: `sampler "${sampler}" has no ComfyUI equivalent; using euler/normal` };
  }
  const schedulerName = (scheduler ?? embeddedScheduler)?.trim().toLowerCase();
  if (schedulerName === undefined || schedulerName === 'automatic') {
    return { sampler: known.sampler, scheduler: known.automaticScheduler };
  }
  const mapped = SCHEDULERS[schedulerName];
  if (mapped === undefined) {
    return {
      sampler: known.sampler,
      scheduler: known.automaticScheduler,
      problem: `schedule type "${scheduler ?? embeddedScheduler}" has no core ComfyUI equivalent; using ${known.automaticScheduler}`,
    };
  }
  return { sampler: known.sampler, scheduler: mapped };
}

/** ComfyUI sampler_name → A1111 sampler label (the inverse of SAMPLERS). */
const A1111_LABELS: Record<string, string> = {
  euler_ancestral: 'Euler a',
  euler: 'Euler',
  lms: 'LMS',
  heun: 'Heun',
  dpm_2: 'DPM2',
  dpm_2_ancestral: 'DPM2 a',
  dpmpp_2m: 'DPM++ 2M',
  dpmpp_sde: 'DPM++ SDE',
  dpmpp_2s_ancestral: 'DPM++ 2S a',
  dpmpp_2m_sde: 'DPM++ 2M SDE',
  dpmpp_2m_sde_heun: 'DPM++ 2M SDE Heun',
  dpmpp_3m_sde: 'DPM++ 3M SDE',
  dpm_fast: 'DPM fast',
  dpm_adaptive: 'DPM adaptive',
  ddim: 'DDIM',
  uni_pc: 'UniPC',
  lcm: 'LCM',
};

/** ComfyUI scheduler → A1111 "Schedule type" label. */
const SCHEDULE_LABELS: Record<string, string> = {
  karras: 'Karras',
  exponential: 'Exponential',
  sgm_uniform: 'SGM Uniform',
  kl_optimal: 'KL Optimal',
  simple: 'Simple',
  normal: 'Normal',
  beta: 'Beta',
  ddim_uniform: 'DDIM',
};

/** ComfyUI → A1111 names for `sdprompt import`; undefined where A1111 has no such sampler. */
export function mapSamplerFromComfy(sampler: string, scheduler: string): { sampler?: string; scheduler?: string } {
  const out: { sampler?: string; scheduler?: string } = {};
  const label = A1111_LABELS[sampler.replace(/_gpu$/, '')];
  if (label !== undefined) out.sampler = label;
  const schedule = SCHEDULE_LABELS[scheduler];
  if (schedule !== undefined) out.scheduler = schedule;
  return out;
}
