/**
 * IR → stable-diffusion.cpp: `sd-server` `/sdapi/v1/txt2img` bodies and `sd-cli` arguments
 * (engine-apis.md §8; lowering rules in engine-syntaxes.md §6, leejet/stable-diffusion.cpp 97d2990).
 *
 * sd.cpp shares A1111's emphasis syntax, multiplicative nesting and mean restore
 * (src/core/util.cpp parse_prompt_attention, conditioner.hpp apply_token_weights), so the text is
 * re-emitted as flat absolute-weight spans; what it lacks (AND, schedules) is resolved here.
 */
import { resolveToSingleStep } from '../compile/flatten.js';
import type { IrDocument, IrPrompt, IrScheduleStep, IrSource } from '../compile/ir.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { Range } from '../grammar/ast.js';
import { formatWeight, type LossyStep, type TargetResult } from '../compile/target.js';
import { a1111HiresFields } from './a1111.js';
import { loraFileName } from './comfyui.js';

export interface SdcppLora {
  /** Relative to the server's --lora-model-dir, with extension, as GET /sdapi/v1/loras lists it. */
  path: string;
  multiplier: number;
  is_high_noise: boolean;
}

export interface SdcppBody {
  prompt: string;
  negative_prompt: string;
  width: number;
  height: number;
  steps: number;
  cfg_scale: number;
  seed: number;
  batch_size: number;
  clip_skip: number;
  sampler_name?: string;
  scheduler?: string;
  lora: SdcppLora[];
  init_images?: string[];
  mask?: string;
  denoising_strength?: number;
  enable_hr?: boolean;
  hr_scale?: number;
  hr_upscaler?: string;
  hr_second_pass_steps?: number;
}

/**
 * A1111 sampler names → sd.cpp `--sampling-method` names (sd-server's own A1111-name table,
 * examples/server/routes_sdapi.cpp get_sdapi_sample_method, plus `lms`). Every value is in the
 * `samplers` list of sd-server's /sdcpp/v1/capabilities; a name sd-server does not know is ignored
 * by it without an error, so an unmapped sampler is our warning.
 */
const SAMPLERS: Record<string, string> = {
  'euler a': 'euler_a',
  euler: 'euler',
  heun: 'heun',
  dpm2: 'dpm2',
  'dpm++ 2s a': 'dpm++2s_a',
  'dpm++ 2m': 'dpm++2m',
  'dpm++ 2m sde': 'dpm++2m_sde',
  lms: 'lms',
  lcm: 'lcm',
  ddim: 'ddim_trailing',
};

/** A1111 schedule types → sd.cpp `--scheduler` names (capabilities `schedulers`). */
const SCHEDULERS: Record<string, string> = {
  karras: 'karras',
  exponential: 'exponential',
  'sgm uniform': 'sgm_uniform',
  simple: 'simple',
  'align your steps': 'ays',
  'kl optimal': 'kl_optimal',
  beta: 'beta',
  uniform: 'discrete',
  normal: 'discrete',
};

/**
 * Escapes for sd.cpp's parser: only `\(` loses its backslash; a literal `)` `[` `]` or `\` cannot
 * be written faithfully inside a group (engine-syntaxes.md §6 "Escapes bug").
 */
function emitSpan(text: string, weight: number, inGroup: boolean): { text: string; lossy: boolean } {
  let lossy = false;
  let out = '';
  for (const c of text) {
    if (c === '(') out += '\\(';
    else if (c === ')' || c === ']') {
      if (inGroup) lossy = true;
      out += inGroup ? ' ' : c;
    } else if (c === '[' || c === '\\') {
      lossy = true;
      out += ' ';
    } else out += c;
  }
  return { text: inGroup ? `(${out}:${formatWeight(weight)})` : out, lossy };
}

function emitStep(step: IrScheduleStep, notes: LossyStep[], fallback: IrDocument['source']): string {
  const chunks = step.chunks.map((chunk) =>
    chunk
      .map((span) => {
        const emitted = emitSpan(span.text, span.weight, span.weight !== 1);
        if (emitted.lossy) {
          notes.push({
            code: 'engine/escape',
            severity: 'warning',
            message: 'sd.cpp cannot write a literal "[", "\\" or (inside a weighted group) ")" or "]"; replaced by a space',
            source: span.source ?? fallback,
          });
        }
        return emitted.text;
      })
      .join(''),
  );
  // sd.cpp pads to the next 75-token boundary at BREAK (conditioner.hpp), as A1111 does.
  return chunks.join(' BREAK ');
}

export function sdcppPromptText(prompt: IrPrompt, doc: IrDocument, notes: LossyStep[]): string {
  const step = resolveToSingleStep(prompt, 'stable-diffusion.cpp', doc.source, notes);
  return emitStep(step, notes, doc.source);
}

export function toSdcppBody(doc: IrDocument): TargetResult<SdcppBody> {
  const notes: LossyStep[] = [];
  const p = doc.parameters;
  const prompt = sdcppPromptText(doc.positive, doc, notes);
  const body: SdcppBody = {
    // sd-server refuses an empty prompt (400 "prompt required"), which A1111 renders; " " encodes to
    // the same tokens (sd-cli gives identical pixels for "" and " "), e.g. for a prompt that is only LoRA tags.
    prompt: prompt === '' ? ' ' : prompt,
    negative_prompt: sdcppPromptText(doc.negative, doc, notes),
    width: p.width,
    height: p.height,
    steps: p.steps,
    cfg_scale: p.cfg,
    seed: p.seed,
    batch_size: p.batchSize,
    // sd.cpp's clip_skip counts like A1111's "Clip skip" (1 = last layer); -1 lets it choose.
    clip_skip: p.clipSkip,
    // The server ignores <lora:…> in prompt text (engine-apis.md §8): LoRAs go in this array.
    lora: doc.loras.map((lora) => {
      if (lora.te !== lora.unet) {
        notes.push({
          code: 'engine/lora-te-unet',
          severity: 'warning',
          message: `stable-diffusion.cpp has one multiplier per LoRA; te=${lora.te} and unet=${lora.unet} differ, unet is used`,
          source: lora.source,
        });
      }
      if (lora.dyn !== undefined) {
        notes.push({ code: 'engine/lora-dyn', severity: 'warning', message: `stable-diffusion.cpp ignores dyn=${lora.dyn}`, source: lora.source });
      }
      return { path: loraFileName(lora), multiplier: lora.unet, is_high_noise: false };
    }),
  };
  for (const network of doc.otherNetworks) {
    notes.push({
      code: 'engine/unsupported-network',
      severity: 'warning',
      message: `<${network.type}:…> is not applied by stable-diffusion.cpp and is removed`,
      source: network.source,
    });
  }
  if (p.batchSize > 8) {
    notes.push({ code: 'engine/batch-size', severity: 'error', message: `sd-server allows at most 8 images per batch (got ${p.batchSize})`, source: doc.source });
  }
  if (p.sampler !== undefined) {
    const name = SAMPLERS[p.sampler.trim().toLowerCase().replace(/ karras$/, '')];
    if (name === undefined) {
      notes.push({ code: 'engine/sampler', severity: 'warning', message: `sampler "${p.sampler}" has no stable-diffusion.cpp equivalent; the server default is used`, source: doc.source });
    } else body.sampler_name = name;
    if (/ karras$/i.test(p.sampler) && p.scheduler === undefined) body.scheduler = 'karras';
  }
  if (p.scheduler !== undefined && p.scheduler.toLowerCase() !== 'automatic') {
    const name = SCHEDULERS[p.scheduler.trim().toLowerCase()];
    if (name === undefined) {
      notes.push({ code: 'engine/sampler', severity: 'warning', message: `schedule type "${p.scheduler}" has no stable-diffusion.cpp equivalent`, source: doc.source });
    } else body.scheduler = name;
  }
  // sd-server takes A1111's hires fields (engine-apis.md §8).
  if (p.hires && !doc.init) Object.assign(body, a1111HiresFields(p.hires));
  if (doc.init) {
    body.init_images = [doc.init.image];
    body.denoising_strength = doc.init.denoise;
    if (doc.init.mask !== undefined) body.mask = doc.init.mask;
  }
  if (doc.controlnet.length > 0) {
    notes.push({ code: 'engine/controlnet-unsupported', severity: 'warning', message: 'ControlNet units are not sent to sd-server', source: doc.controlnet[0]!.source });
  }
  return { payload: body, notes };
}

/**
 * `sd-cli` arguments. The CLI does parse `<lora:path:w>` (examples/common/common.cpp
 * extract_and_remove_lora: multiplier required, path relative to --lora-model-dir).
 */
export function toSdcppCliArgs(doc: IrDocument): TargetResult<string[]> {
  const { payload: body, notes } = toSdcppBody(doc);
  const tags = body.lora.map((lora) => `<lora:${lora.path.replace(/\.(safetensors|ckpt|pt|gguf)$/i, '')}:${formatWeight(lora.multiplier)}>`);
  const args = ['-p', [body.prompt, ...tags].filter((part) => part !== '').join(' ')];
  if (body.negative_prompt !== '') args.push('-n', body.negative_prompt);
  args.push('--steps', String(body.steps), '--cfg-scale', String(body.cfg_scale), '-W', String(body.width), '-H', String(body.height));
  args.push('-s', String(body.seed), '-b', String(body.batch_size), '--clip-skip', String(body.clip_skip));
  if (body.sampler_name) args.push('--sampling-method', body.sampler_name);
  if (body.scheduler) args.push('--scheduler', body.scheduler);
  if (body.init_images) args.push('-i', body.init_images[0]!, '--strength', String(body.denoising_strength));
  if (body.mask !== undefined) args.push('--mask', body.mask);
  return { payload: args, notes };
}

/** One entry of sd-server's `GET /sdapi/v1/loras` (and of `loras` in `/sdcpp/v1/capabilities`). */
export interface SdcppListedLora {
  /** File stem. */
  name: string;
  /** Relative to --lora-model-dir, with extension and `/` separators. */
  path: string;
}

const loraStem = (file: string) => file.replace(/\\/g, '/').split('/').pop()!.replace(/\.(safetensors|ckpt|pt|pth|gguf|bin)$/i, '').toLowerCase();

/**
 * The listed path a `lora[].path` means. sd-server accepts only a path exactly as it lists it
 * (examples/server/runtime.cpp get_lora_full_path compares with `==`), so `JL_sectionplan` or
 * `JL_watercolor.safetensors` for `other/JL_watercolor.safetensors` are 400s; we take the same
 * path, else the path without its extension, else the one entry with the same file stem.
 * Several entries with that stem: no match, and `candidates` names them.
 */
export function matchSdcppLoraPath(path: string, listed: readonly SdcppListedLora[]): { path?: string; candidates: string[] } {
  const normal = path.replace(/\\/g, '/');
  if (listed.some((entry) => entry.path === normal)) return { path: normal, candidates: [] };
  const withoutExtension = listed.filter((entry) => entry.path.replace(/\.[^./]+$/, '') === normal);
  if (withoutExtension.length === 1) return { path: withoutExtension[0]!.path, candidates: [] };
  const sameStem = listed.filter((entry) => loraStem(entry.path) === loraStem(normal));
  if (sameStem.length === 1) return { path: sameStem[0]!.path, candidates: [] };
  return { candidates: sameStem.map((entry) => entry.path) };
}

export const SDCPP_LORA_CODE = 'engine/sdcpp-lora';

const FILE_START: Range = { start: { offset: 0, line: 0, column: 0 }, end: { offset: 0, line: 0, column: 0 } };

/**
 * Rewrites `body.lora` (one entry per `doc.loras`, in order) to the paths sd-server lists, and
 * returns a Diagnostic at the LoRA's tag for each one it does not have.
 */
export function resolveSdcppLoras(body: SdcppBody, doc: IrDocument, listed: readonly SdcppListedLora[], rangeOf?: (source: IrSource) => Range): Diagnostic[] {
  const problems: Diagnostic[] = [];
  body.lora.forEach((lora, index) => {
    const match = matchSdcppLoraPath(lora.path, listed);
    if (match.path !== undefined) {
      lora.path = match.path;
      return;
    }
    const have = listed.length > 0 ? listed.map((entry) => entry.path).join(', ') : 'none';
    const message =
      match.candidates.length > 1
        ? `"${lora.path}" matches several of sd-server's LoRAs (${match.candidates.join(', ')}); write its path relative to --lora-model-dir`
        : `sd-server has no LoRA "${lora.path}" in its --lora-model-dir (it has: ${have})`;
    const source = doc.loras[index]?.source ?? doc.source;
    problems.push({ code: SDCPP_LORA_CODE, severity: 'error', message, range: rangeOf && source ? rangeOf(source) : FILE_START });
  });
  return problems;
}

/**
 * What sd-server silently drops when it is sent an A1111 body (`--engine-type a1111` at an sd-server):
 * its answer's `info` says `"version": "stable-diffusion.cpp"` (examples/server/routes_sdapi.cpp
 * prepare_info_field). It encodes `<lora:…>` tags as text (no LoRA applied) and reads no `n_iter`.
 */
export function a1111BodyOnSdServer(doc: IrDocument, info: Record<string, unknown>, rangeOf?: (source: IrSource) => Range): Diagnostic[] {
  if (info.version !== 'stable-diffusion.cpp') return [];
  const at = (source: IrSource | undefined) => (rangeOf && source ? rangeOf(source) : FILE_START);
  const problems: Diagnostic[] = doc.loras.map((lora) => ({
    code: SDCPP_LORA_CODE,
    severity: 'warning',
    message: `this engine is sd-server, which ignores <lora:${lora.name}:…> in prompt text: the image was made without it; render with --engine-type sdcpp`,
    range: at(lora.source ?? doc.source),
  }));
  if (doc.parameters.batchCount > 1) {
    problems.push({
      code: 'engine/batch-size',
      severity: 'warning',
      message: `this engine is sd-server, which ignores the batch count (n_iter ${doc.parameters.batchCount}); render with --engine-type sdcpp`,
      range: at(doc.source),
    });
  }
  return problems;
}
