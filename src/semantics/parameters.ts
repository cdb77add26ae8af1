/**
 * Generation parameters: reads `@params`, `@controlnet`, `@img2img`/`@inpaint` and `@hires` blocks (and
 * an infotext parameters line) into GenerationParameters, checking every value at its range
 * (`params/…` diagnostics). Defaults are A1111 v1.10's txt2img defaults; see docs/language.md.
 */
import type { ParamBlockNode, ParamEntryNode } from '../grammar/ast.js';
import type { EngineKind, GenerationParameters } from './model.js';
import { readControlNet, readHires, readInitImage } from './parameter-blocks.js';
import { EntryChecker } from './parameter-checks.js';
import {
  ENGINES,
  SCHEDULERS,
  normalizeKey,
  readSize,
  resolveSampler,
  resolveScheduler,
  samplerLabels,
} from './parameter-values.js';

export type { ParameterReaderOptions } from './parameter-checks.js';

/** A1111 v1.10 txt2img defaults (modules/processing.py, ui.py): a fresh object each call. */
export function defaultParameters(): GenerationParameters {
  return {
    sampler: 'DPM++ 2M',
    scheduler: 'Automatic',
    steps: 20,
    cfg: 7,
    seed: -1,
    width: 512,
    height: 512,
    clipSkip: 1,
    batchSize: 1,
    batchCount: 1,
    controlnet: [],
    extra: {},
  };
}

/** A deep enough copy for per-prompt overrides. */
export function cloneParameters(source: GenerationParameters): GenerationParameters {
  const copy: GenerationParameters = { ...source, controlnet: [...source.controlnet], extra: { ...source.extra } };
  if (source.hires) copy.hires = { ...source.hires };
  if (source.init) copy.init = { ...source.init };
  return copy;
}

/** Keys of the `@params` block (canonical name → accepted spellings, normalised with normalizeKey). */
const PARAMS_KEYS: Record<string, string[]> = {
  engine: [],
  checkpoint: ['model', 'sd-model', 'sd-model-checkpoint'],
  vae: ['sd-vae'],
  sampler: ['sampler-name'],
  scheduler: ['schedule-type'],
  steps: [],
  cfg: ['cfg-scale'],
  seed: [],
  size: [],
  width: [],
  height: [],
  'clip-skip': [],
  'batch-size': [],
  'batch-count': ['n-iter'],
  denoise: ['denoising-strength'],
  'hires-scale': ['hires-upscale'],
  'hires-steps': [],
  'hires-upscaler': [],
  'hires-denoise': [],
};

/** Every accepted spelling → its canonical key. */
const PARAMS_KEY_INDEX: ReadonlyMap<string, string> = new Map(
  Object.entries(PARAMS_KEYS).flatMap(([canonical, aliases]) => [canonical, ...aliases].map((key) => [key, canonical] as [string, string])),
);

/** The canonical `@params` key of a key as written (`Sampler name` → `sampler`), or undefined. */
export function canonicalParamsKey(written: string): string | undefined {
  return PARAMS_KEY_INDEX.get(normalizeKey(written));
}

/** Infotext keys sdprompt passes through without a warning (A1111 writes them; nothing to check). */
const PASS_THROUGH = new Set([
  'model-hash',
  'vae-hash',
  'lora-hashes',
  'ti-hashes',
  'version',
  'rng',
  'ensd',
  'eta',
  'emphasis',
  'variation-seed',
  'variation-seed-strength',
  'seed-resize-from',
  'hires-sampler',
  'hires-prompt',
  'hires-negative-prompt',
  'hires-schedule-type',
  'hires-cfg-scale',
  'denoising-strength-hires',
  'face-restoration',
  'tiling',
  'styles-array',
  'schedule-max-sigma',
  'schedule-min-sigma',
  'schedule-rho',
  'sgm-noise-multiplier',
  'token-merging-ratio',
  'token-merging-ratio-hr',
  'ntm',
  'pad-conds',
  'downcast-alphas-cumprod',
]);

/** Applies parameter blocks to a GenerationParameters object, reporting problems once per entry. */
export class ParameterReader extends EntryChecker {
  apply(block: ParamBlockNode, target: GenerationParameters): void {
    this.checkDuplicates(block);
    switch (block.block) {
      case 'params':
        for (const entry of block.entries) this.param(entry, target);
        break;
      case 'controlnet': {
        const unit = readControlNet(this, block);
        if (unit) target.controlnet.push(unit);
        break;
      }
      case 'img2img':
      case 'inpaint': {
        const init = readInitImage(this, block);
        if (init) target.init = init;
        break;
      }
      case 'hires':
        readHires(this, block, target);
        break;
    }
  }

  private canonicalParamsKey(key: string): string | undefined {
    return PARAMS_KEY_INDEX.get(key);
  }

  private param(entry: ParamEntryNode, target: GenerationParameters): void {
    const normalized = normalizeKey(entry.key);
    const key = this.canonicalParamsKey(normalized);
    switch (key) {
      case 'engine': {
        const engine = this.choice(entry, ENGINES);
        if (engine) target.engine = engine as EngineKind;
        return;
      }
      case 'checkpoint': {
        const text = this.text(entry);
        if (text) target.checkpoint = text;
        return;
      }
      case 'vae': {
        const text = this.text(entry);
        if (text) target.vae = text;
        return;
      }
      case 'sampler':
        return this.sampler(entry, target);
      case 'scheduler': {
        const scheduler = this.scheduler(entry);
        if (scheduler) target.scheduler = scheduler;
        return;
      }
      case 'steps': {
        const steps = this.integer(entry, 1, 1000, 150);
        if (steps !== undefined) target.steps = steps;
        return;
      }
      case 'cfg': {
        const cfg = this.number(entry, 0, 100, 30);
        if (cfg !== undefined) target.cfg = cfg;
        return;
      }
      case 'seed': {
        const seed = this.integer(entry, -1, 4294967295);
        if (seed !== undefined) target.seed = seed;
        return;
      }
      case 'size':
        return this.size(entry, target);
      case 'width':
      case 'height': {
        const pixels = this.integer(entry, 8, 16384, 2048);
        if (pixels !== undefined && this.multipleOf8(entry, pixels)) target[key] = pixels;
        return;
      }
      case 'clip-skip': {
        const clipSkip = this.integer(entry, 1, 12);
        if (clipSkip !== undefined) target.clipSkip = clipSkip;
        return;
      }
      case 'batch-size': {
        const size = this.integer(entry, 1, 100, 8);
        if (size !== undefined) target.batchSize = size;
        return;
      }
      case 'batch-count': {
        const count = this.integer(entry, 1, 1000, 100);
        if (count !== undefined) target.batchCount = count;
        return;
      }
      case 'denoise': {
        const denoise = this.number(entry, 0, 1);
        if (denoise !== undefined) target.denoise = denoise;
        return;
      }
      case 'hires-scale': {
        const scale = this.number(entry, 1, 8, 4);
        if (scale !== undefined) target.hires = { ...target.hires, scale };
        return;
      }
      case 'hires-steps': {
        const steps = this.integer(entry, 0, 1000, 150);
        if (steps !== undefined) target.hires = { ...target.hires, steps };
        return;
      }
      case 'hires-upscaler': {
        const upscaler = this.text(entry);
        if (upscaler) target.hires = { ...target.hires, upscaler };
        return;
      }
      case 'hires-denoise': {
        const denoise = this.number(entry, 0, 1);
        if (denoise !== undefined) target.hires = { ...target.hires, denoise };
        return;
      }
      default:
        if (!PASS_THROUGH.has(normalized)) this.unknownKey(entry, Object.keys(PARAMS_KEYS), 'params');
        target.extra[entry.key] = entry.value?.value ?? '';
    }
  }

  private multipleOf8(entry: ParamEntryNode, pixels: number): boolean {
    if (pixels % 8 !== 0) {
      const rounded = Math.max(8, Math.round(pixels / 8) * 8);
      this.report('params/size-not-multiple-of-8', 'warning', `${entry.key} ${pixels} is not a multiple of 8; Stable Diffusion works in 8-pixel latent cells (try ${rounded}).`, entry.value!.range);
    }
    return true;
  }

  private size(entry: ParamEntryNode, target: GenerationParameters): void {
    const value = this.value(entry);
    if (!value) return;
    const size = readSize(value.value);
    if (!size) {
      this.report('params/bad-size', 'error', `'${entry.key}' must be WIDTHxHEIGHT, e.g. 512x768, not '${value.value}'.`, value.range);
      return;
    }
    for (const [name, pixels] of [['width', size.width], ['height', size.height]] as const) {
      if (pixels < 8 || pixels > 16384) {
        this.report('params/out-of-range', 'error', `The ${name} in '${value.value}' must be between 8 and 16384.`, value.range);
        return;
      }
    }
    if (size.width % 8 !== 0 || size.height % 8 !== 0) {
      this.report('params/size-not-multiple-of-8', 'warning', `Size ${size.width}x${size.height} is not a multiple of 8 in both sides; Stable Diffusion works in 8-pixel latent cells.`, value.range);
    }
    if (size.width > 2048 || size.height > 2048) {
      this.report('params/unusual-value', 'warning', `Size ${size.width}x${size.height} is above 2048, the largest A1111's UI offers; check it is intended.`, value.range);
    }
    target.width = size.width;
    target.height = size.height;
  }

  private sampler(entry: ParamEntryNode, target: GenerationParameters): void {
    const value = this.value(entry);
    if (!value) return;
    const written = value.value.trim();
    const resolved = resolveSampler(written);
    if (!resolved) {
      // Extensions register more samplers, so an unknown name is a warning and is kept as written.
      this.unknownName(entry, value, written, samplerLabels(), 'warning');
      target.sampler = written;
      return;
    }
    target.sampler = resolved.sampler;
    if (resolved.scheduler) target.scheduler = resolved.scheduler;
  }

  private scheduler(entry: ParamEntryNode): string | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const written = value.value.trim();
    const resolved = resolveScheduler(written);
    if (resolved) return resolved;
    this.unknownName(entry, value, written, SCHEDULERS, 'warning');
    return written;
  }

  /** Entries of a non-`@params` block by canonical key; unknown keys reported. */}
