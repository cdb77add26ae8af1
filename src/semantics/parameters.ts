/**
 * Generation parameters: reads `@params`, `@controlnet`, `@img2img`/`@inpaint` and `@hires` blocks (and
 * an infotext parameters line) into GenerationParameters, checking every value at its range
 * (`params/…` diagnostics). Defaults are A1111 v1.10's txt2img defaults; see docs/language.md.
 */
import type { Diagnostic, Fix } from '../core/diagnostic.js';
import { closestName } from '../grammar/did-you-mean.js';
import type { ParamBlockNode, ParamEntryNode, Range, ValueNode } from '../grammar/ast.js';
import type { ControlNetUnit, EngineKind, GenerationParameters, InitImage } from './model.js';
import {
  ENGINES,
  SCHEDULERS,
  normalizeKey,
  readBoolean,
  readInteger,
  readNumber,
  readSize,
  resolveSampler,
  resolveScheduler,
  samplerLabels,
} from './parameter-values.js';

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

const CONTROLNET_KEYS = ['model', 'module', 'image', 'weight', 'guidance-start', 'guidance-end', 'control-mode', 'resize-mode', 'processor-res'];
const CONTROLNET_ALIASES: Record<string, string> = { preprocessor: 'module', 'processor-resolution': 'processor-res' };
const CONTROL_MODES = ['Balanced', 'My prompt is more important', 'ControlNet is more important'];
const RESIZE_MODES = ['Just Resize', 'Crop and Resize', 'Resize and Fill'];
const INIT_KEYS = ['image', 'mask', 'denoise', 'mask-blur', 'inpainting-fill', 'inpaint-full-res', 'invert-mask'];
const INIT_ALIASES: Record<string, string> = { 'denoising-strength': 'denoise', 'init-image': 'image', 'inpainting-mask-invert': 'invert-mask' };
/** A1111 img2img "Masked content" choices (inpainting_fill 0..3). */
const INPAINTING_FILLS = ['fill', 'original', 'latent noise', 'latent nothing'];
const HIRES_KEYS = ['scale', 'steps', 'upscaler', 'denoise'];
const HIRES_ALIASES: Record<string, string> = { upscale: 'scale', 'denoising-strength': 'denoise', 'hires-steps': 'steps' };

export interface ParameterReaderOptions {
  /** Unknown keys get a warning (structured files) or pass silently into `extra` (infotext). */
  warnUnknownKeys: boolean;
  /** Path of the file the blocks come from, when it is not the checked document (includes). */
  file?: string;
}

/** Applies parameter blocks to a GenerationParameters object, reporting problems once per entry. */
export class ParameterReader {
  constructor(
    private readonly diagnostics: Diagnostic[],
    private readonly options: ParameterReaderOptions,
  ) {}

  private report(code: string, severity: Diagnostic['severity'], message: string, range: Range, extra: Partial<Diagnostic> = {}): void {
    const diagnostic: Diagnostic = { code, severity, message, range, ...extra };
    if (this.options.file !== undefined) diagnostic.file = this.options.file;
    this.diagnostics.push(diagnostic);
  }

  private replaceFix(value: ValueNode, replacement: string): Fix {
    return { title: `Change to '${replacement}'`, edits: [{ start: value.range.start.offset, end: value.range.end.offset, newText: replacement }] };
  }

  apply(block: ParamBlockNode, target: GenerationParameters): void {
    this.checkDuplicates(block);
    switch (block.block) {
      case 'params':
        for (const entry of block.entries) this.param(entry, target);
        break;
      case 'controlnet': {
        const unit = this.controlnet(block);
        if (unit) target.controlnet.push(unit);
        break;
      }
      case 'img2img':
      case 'inpaint': {
        const init = this.init(block);
        if (init) target.init = init;
        break;
      }
      case 'hires':
        this.hires(block, target);
        break;
    }
  }

  private checkDuplicates(block: ParamBlockNode): void {
    const seen = new Map<string, ParamEntryNode>();
    for (const entry of block.entries) {
      const key = normalizeKey(entry.key);
      const first = seen.get(key);
      if (first) {
        this.report('params/duplicate-key', 'warning', `'${entry.key}' is set twice in this block (line ${first.range.start.line + 1}); the last one wins.`, entry.keyRange);
      }
      seen.set(key, entry);
    }
  }

  /** The value of an entry, or a report that it is missing. */
  private value(entry: ParamEntryNode): ValueNode | undefined {
    if (!entry.value || entry.value.value.trim() === '') {
      this.report('params/missing-value', 'error', `'${entry.key}' has no value. Write '${entry.key}: VALUE'.`, entry.range);
      return undefined;
    }
    return entry.value;
  }

  private integer(entry: ParamEntryNode, min: number, max: number, softMax?: number): number | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const number = readInteger(value.value);
    if (number === undefined) {
      const float = readNumber(value.value);
      this.report('params/not-an-integer', 'error', `'${entry.key}' must be a whole number, not '${value.value}'.`, value.range,
        float !== undefined ? { fix: this.replaceFix(value, String(Math.round(float))) } : {});
      return undefined;
    }
    return this.inRange(entry, value, number, min, max, softMax);
  }

  private number(entry: ParamEntryNode, min: number, max: number, softMax?: number): number | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const number = readNumber(value.value);
    if (number === undefined) {
      this.report('params/not-a-number', 'error', `'${entry.key}' must be a number, not '${value.value}'.`, value.range);
      return undefined;
    }
    return this.inRange(entry, value, number, min, max, softMax);
  }

  private inRange(entry: ParamEntryNode, value: ValueNode, number: number, min: number, max: number, softMax?: number): number | undefined {
    if (number < min || number > max) {
      this.report('params/out-of-range', 'error', `'${entry.key}' must be between ${min} and ${max}; ${number} is outside.`, value.range);
      return undefined;
    }
    if (softMax !== undefined && number > softMax) {
      this.report('params/unusual-value', 'warning', `'${entry.key}: ${number}' is above ${softMax}, the largest value A1111's UI offers; check it is intended.`, value.range);
    }
    return number;
  }

  private boolean(entry: ParamEntryNode): boolean | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const result = readBoolean(value.value);
    if (result === undefined) this.report('params/not-a-boolean', 'error', `'${entry.key}' must be true or false, not '${value.value}'.`, value.range);
    return result;
  }

  private text(entry: ParamEntryNode): string | undefined {
    return this.value(entry)?.value.trim();
  }

  /** One of a fixed list of names (case-insensitive); reports with "did you mean". */
  private choice(entry: ParamEntryNode, choices: readonly string[], severity: Diagnostic['severity'] = 'error'): string | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const written = value.value.trim();
    const match = choices.find((choice) => choice.toLowerCase() === written.toLowerCase());
    if (match) return match;
    this.unknownName(entry, value, written, choices, severity);
    return severity === 'error' ? undefined : written;
  }

  private unknownName(entry: ParamEntryNode, value: ValueNode, written: string, choices: readonly string[], severity: Diagnostic['severity']): void {
    const guess = closestName(written, choices);
    const list = choices.length <= 12 ? ` Known: ${choices.join(', ')}.` : '';
    this.report(
      'params/unknown-value',
      severity,
      `Unknown ${entry.key} '${written}'.${guess ? ` Did you mean '${guess}'?` : ''}${list}`,
      value.range,
      guess ? { suggestions: [this.replaceFix(value, guess)] } : {},
    );
  }

  private unknownKey(entry: ParamEntryNode, known: readonly string[], block: string): void {
    if (!this.options.warnUnknownKeys) return;
    const guess = closestName(normalizeKey(entry.key), known);
    this.report(
      'params/unknown-key',
      'warning',
      `Unknown key '${entry.key}' in @${block}${guess ? ` (did you mean '${guess}'?)` : ''}; it is passed through unchanged.`,
      entry.keyRange,
      guess
        ? { suggestions: [{ title: `Change to '${guess}'`, edits: [{ start: entry.keyRange.start.offset, end: entry.keyRange.end.offset, newText: guess }] }] }
        : {},
    );
  }

  private canonicalParamsKey(key: string): string | undefined {
    for (const [canonical, aliases] of Object.entries(PARAMS_KEYS)) if (canonical === key || aliases.includes(key)) return canonical;
    return undefined;
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

  /** Entries of a non-`@params` block by canonical key; unknown keys reported. */
  private entriesOf(block: ParamBlockNode, known: readonly string[], aliases: Record<string, string>): Map<string, ParamEntryNode> {
    const entries = new Map<string, ParamEntryNode>();
    for (const entry of block.entries) {
      const normalized = normalizeKey(entry.key);
      const key = aliases[normalized] ?? normalized;
      if (known.includes(key)) entries.set(key, entry);
      else this.unknownKey(entry, known, block.block);
    }
    return entries;
  }

  private required(block: ParamBlockNode, entries: Map<string, ParamEntryNode>, key: string): void {
    if (!entries.has(key)) {
      this.report('params/missing-key', 'error', `@${block.block} needs '${key}: …'.`, block.directiveRange);
    }
  }

  private controlnet(block: ParamBlockNode): ControlNetUnit | undefined {
    const entries = this.entriesOf(block, CONTROLNET_KEYS, CONTROLNET_ALIASES);
    this.required(block, entries, 'model');
    const get = (key: string): ParamEntryNode | undefined => entries.get(key);
    const unit: ControlNetUnit = { model: '', weight: 1, guidanceStart: 0, guidanceEnd: 1, range: block.range };
    const model = get('model') && this.text(get('model')!);
    if (model) unit.model = model;
    const module = get('module') && this.text(get('module')!);
    if (module) unit.module = module;
    const image = get('image') && this.text(get('image')!);
    if (image) unit.image = image;
    const weight = get('weight') && this.number(get('weight')!, 0, 10, 2);
    if (weight !== undefined) unit.weight = weight;
    const start = get('guidance-start') && this.number(get('guidance-start')!, 0, 1);
    if (start !== undefined) unit.guidanceStart = start;
    const end = get('guidance-end') && this.number(get('guidance-end')!, 0, 1);
    if (end !== undefined) unit.guidanceEnd = end;
    if (unit.guidanceStart > unit.guidanceEnd) {
      this.report('params/guidance-order', 'error', `guidance-start (${unit.guidanceStart}) is after guidance-end (${unit.guidanceEnd}); the unit would never act.`, get('guidance-start')!.range);
    }
    const mode = get('control-mode') && this.choice(get('control-mode')!, CONTROL_MODES);
    if (mode) unit.controlMode = mode;
    const resize = get('resize-mode') && this.choice(get('resize-mode')!, RESIZE_MODES);
    if (resize) unit.resizeMode = resize;
    const resolution = get('processor-res') && this.integer(get('processor-res')!, 64, 4096, 2048);
    if (resolution !== undefined) unit.processorRes = resolution;
    return unit.model ? unit : undefined;
  }

  private init(block: ParamBlockNode): InitImage | undefined {
    const entries = this.entriesOf(block, INIT_KEYS, INIT_ALIASES);
    this.required(block, entries, 'image');
    if (block.block === 'inpaint') this.required(block, entries, 'mask');
    const get = (key: string): ParamEntryNode | undefined => entries.get(key);
    // A1111 img2img defaults: denoising_strength 0.75, mask_blur 4.
    const init: InitImage = { image: '', denoise: 0.75, range: block.range };
    const image = get('image') && this.text(get('image')!);
    if (image) init.image = image;
    const mask = get('mask') && this.text(get('mask')!);
    if (mask) init.mask = mask;
    const denoise = get('denoise') && this.number(get('denoise')!, 0, 1);
    if (denoise !== undefined) init.denoise = denoise;
    const blur = get('mask-blur') && this.integer(get('mask-blur')!, 0, 64);
    if (blur !== undefined) init.maskBlur = blur;
    else if (init.mask !== undefined) init.maskBlur = 4;
    const fill = get('inpainting-fill') && this.choice(get('inpainting-fill')!, INPAINTING_FILLS);
    if (fill) init.inpaintingFill = fill;
    const fullRes = get('inpaint-full-res') && this.boolean(get('inpaint-full-res')!);
    if (fullRes !== undefined) init.inpaintFullRes = fullRes;
    const invert = get('invert-mask') && this.boolean(get('invert-mask')!);
    if (invert !== undefined) init.invertMask = invert;
    if (block.block === 'img2img' && init.mask !== undefined) {
      this.report('params/mask-in-img2img', 'warning', 'A mask makes this an inpainting job: write @inpaint instead of @img2img.', block.directiveRange, {
        fix: { title: 'Change to @inpaint', edits: [{ start: block.directiveRange.start.offset, end: block.directiveRange.end.offset, newText: '@inpaint' }] },
      });
    }
    return init.image ? init : undefined;
  }

  private hires(block: ParamBlockNode, target: GenerationParameters): void {
    const entries = this.entriesOf(block, HIRES_KEYS, HIRES_ALIASES);
    const get = (key: string): ParamEntryNode | undefined => entries.get(key);
    // A1111 hires-fix defaults: upscale by 2, "Latent", second-pass steps 0 (= same as steps), denoise 0.7.
    const hires = { scale: 2, steps: 0, upscaler: 'Latent', denoise: 0.7, ...target.hires };
    const scale = get('scale') && this.number(get('scale')!, 1, 8, 4);
    if (scale !== undefined) hires.scale = scale;
    const steps = get('steps') && this.integer(get('steps')!, 0, 1000, 150);
    if (steps !== undefined) hires.steps = steps;
    const upscaler = get('upscaler') && this.text(get('upscaler')!);
    if (upscaler) hires.upscaler = upscaler;
    const denoise = get('denoise') && this.number(get('denoise')!, 0, 1);
    if (denoise !== undefined) hires.denoise = denoise;
    target.hires = hires;
  }
}
