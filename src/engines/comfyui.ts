/**
 * IR → ComfyUI API-format graph (engine-apis.md §1, §3; lowering rules in engine-syntaxes.md).
 * Core nodes only. Node ids are numbers assigned in a fixed construction order, so the same
 * prompt file always gives the same ids and ComfyUI's node cache is reused (ComfyUI #4053).
 */
import { randomInt } from 'node:crypto';
import { COMFY_FILENAME_PREFIX, PLACEHOLDER_CHECKPOINT } from '../compile/defaults.js';
import type { IrChunk, IrDocument, IrEmbedding, IrPrompt, IrSource } from '../compile/ir.js';
import { formatWeight, type LossyStep, type TargetOptions, type TargetResult } from '../compile/target.js';
import { mapSamplerToComfy } from './samplers.js';

/** `[node id, output index]`. */
export type ComfyLink = [string, number];
export type ComfyInput = string | number | boolean | ComfyLink;

export interface ComfyNode {
  class_type: string;
  inputs: Record<string, ComfyInput>;
  _meta?: { title: string };
}

export type ComfyGraph = Record<string, ComfyNode>;

/** The `POST /prompt` body. `client_id` and `prompt_id` are added by the client when it sends. */
export interface ComfyPromptBody {
  prompt: ComfyGraph;
  client_id?: string;
  prompt_id?: string;
  extra_data?: { extra_pnginfo?: Record<string, unknown> };
}

/** Escapes literal text for ComfyUI's parser (comfy/sd1_clip.py escape_important: only `\(` `\)`). */
export function escapeComfyText(text: string): string {
  return text.replace(/[()]/g, (c) => '\\' + c);
}

/**
 * Emits one BREAK chunk as flat `(text:w)` spans with absolute weights, never nested: ComfyUI's
 * `(x:w)` replaces the inherited weight (sd1_clip.py token_weights), so nesting would be wrong.
 */
export function emitComfyText(chunk: IrChunk, embeddings: readonly IrEmbedding[] = []): string {
  let out = '';
  for (const span of chunk) {
    const body = withEmbeddingPrefix(escapeComfyText(span.text), embeddings);
    const piece = span.weight === 1 ? body : `(${body}:${formatWeight(span.weight)})`;
    // A literal trailing backslash would turn the next group's "(" into an escaped "\(".
    if (out.endsWith('\\') && piece.startsWith('(')) out += ' ';
    out += piece;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * ComfyUI loads an embedding only when written `embedding:NAME` at the start of a word
 * (comfy/sd1_clip.py tokenize_with_weights); A1111 recognises the bare name. A comma glued to
 * the front gets a space, which changes no CLIP token.
 */
function withEmbeddingPrefix(text: string, embeddings: readonly IrEmbedding[]): string {
  let out = text;
  for (const embedding of embeddings) {
    const word = new RegExp(`(^|[\\s,])(${escapeRegExp(embedding.name)})(?=$|[\\s,])`, 'giu');
    out = out.replace(word, (_match, before: string) => `${before === ',' ? ', ' : before}embedding:${embedding.comfyName}`);
  }
  return out;
}

class GraphBuilder {
  readonly graph: ComfyGraph = {};
  readonly sources: Record<string, IrSource> = {};
  readonly inputSources: Record<string, Record<string, IrSource>> = {};
  private next = 1;

  constructor(private readonly fallback: IrSource) {}

  /** `inputSources`: where the value of an input was written (a `sampler:` line for `sampler_name`). */
  add(classType: string, inputs: Record<string, ComfyInput>, title?: string, source?: IrSource, inputSources?: Record<string, IrSource | undefined>): string {
    const id = String(this.next++);
    this.graph[id] = { class_type: classType, inputs, ...(title ? { _meta: { title } } : {}) };
    this.sources[id] = source ?? this.fallback;
    const known = Object.entries(inputSources ?? {}).filter((entry): entry is [string, IrSource] => entry[1] !== undefined);
    if (known.length > 0) this.inputSources[id] = Object.fromEntries(known);
    return id;
  }
}

/** Folds a list of conditionings with a two-input node (ConditioningConcat / ConditioningCombine). */
function fold(builder: GraphBuilder, links: ComfyLink[], classType: string, a: string, b: string): ComfyLink {
  let acc = links[0]!;
  for (const link of links.slice(1)) acc = [builder.add(classType, { [a]: acc, [b]: link }), 0];
  return acc;
}

function firstSource(prompt: IrPrompt, fallback: IrSource): IrSource {
  for (const part of prompt.parts)
    for (const step of part.schedule) for (const chunk of step.chunks) for (const span of chunk) if (span.source) return span.source;
  return fallback;
}

interface EncodeContext {
  builder: GraphBuilder;
  clip: ComfyLink;
  doc: IrDocument;
  options: TargetOptions;
  notes: LossyStep[];
  /** CLIPTextEncodeSDXL instead of CLIPTextEncode. */
  sdxl: boolean;
}

function encodeChunk(context: EncodeContext, chunk: IrChunk, title: string): ComfyLink {
  const text = emitComfyText(chunk, context.doc.embeddings);
  const spans = chunk.filter((span) => span.source);
  const source = spans.length > 0 ? { start: spans[0]!.source!.start, end: spans.at(-1)!.source!.end } : undefined;
  const { width, height } = context.doc.parameters;
  if (context.sdxl) {
    const id = context.builder.add(
      'CLIPTextEncodeSDXL',
      { clip: context.clip, width, height, crop_w: 0, crop_h: 0, target_width: width, target_height: height, text_g: text, text_l: text },
      title,
      source,
    );
    return [id, 0];
  }
  return [context.builder.add('CLIPTextEncode', { text, clip: context.clip }, title, source), 0];
}

/** AND → ConditioningSetAreaStrength + Combine; schedules → SetTimestepRange + Combine; BREAK → Concat. */
function encodePrompt(context: EncodeContext, prompt: IrPrompt, label: string): ComfyLink {
  const steps = context.doc.parameters.steps;
  const source = firstSource(prompt, context.doc.source);
  const partLinks = prompt.parts.map((part, partIndex) => {
    const stepLinks = part.schedule.map((step) => {
      const chunkLinks = step.chunks.map((chunk) => encodeChunk(context, chunk, `${label} prompt`));
      let link = fold(context.builder, chunkLinks, 'ConditioningConcat', 'conditioning_to', 'conditioning_from');
      if (part.schedule.length > 1) {
        // A1111 steps are 1-based and `step` is inclusive; ComfyUI ranges are fractions of sampling.
        const start = Math.min(1, step.fromStep / steps);
        const end = Math.min(1, step.toStep / steps);
        link = [context.builder.add('ConditioningSetTimestepRange', { conditioning: link, start: round4(start), end: round4(end) }), 0];
      }
      return link;
    });
    let link = fold(context.builder, stepLinks, 'ConditioningCombine', 'conditioning_1', 'conditioning_2');
    if (prompt.parts.length > 1) {
      if (part.weight <= 0) {
        context.notes.push({
          code: 'engine/and-weight',
          severity: 'error',
          message: `AND part ${partIndex + 1} has weight ${part.weight}; ComfyUI averages parts by strength and cannot use a weight ≤ 0`,
          source,
        });
      }
      link = [context.builder.add('ConditioningSetAreaStrength', { conditioning: link, strength: Math.max(0, Math.min(10, part.weight)) }), 0];
    }
    return link;
  });
  if (prompt.parts.length > 1) {
    context.notes.push({
      code: 'engine/and-semantics',
      severity: 'warning',
      message:
        'AND becomes ConditioningSetAreaStrength + ConditioningCombine: ComfyUI averages the parts by strength where A1111 adds them (composable diffusion), so the CFG scale is multiplied by the sum of the AND weights to compensate; CFG variants (cfg_pp, rescale) still differ',
      source,
    });
  }
  if (prompt.uses.schedule) {
    context.notes.push({
      code: 'engine/schedule-approximate',
      severity: 'info',
      message: 'prompt schedules become ConditioningSetTimestepRange: ComfyUI switches by sigma fraction, A1111 by step, so the switch point can move by a step',
      source,
    });
  }
  return fold(context.builder, partLinks, 'ConditioningCombine', 'conditioning_1', 'conditioning_2');
}

function round4(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/** Basename of a path: ComfyUI's LoadImage reads from its input folder; the client uploads the file. */
export function comfyImageName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export function loraFileName(lora: { name: string; file?: string }): string {
  return lora.file ?? `${lora.name}.safetensors`;
}

export function toComfyGraph(doc: IrDocument, options: TargetOptions = {}): TargetResult<ComfyPromptBody> {
  const notes: LossyStep[] = [];
  const builder = new GraphBuilder(doc.source);
  const p = doc.parameters;
  const at = doc.parameterSources ?? {};
  if (p.checkpoint === undefined) {
    notes.push({
      code: 'engine/no-checkpoint',
      severity: 'info',
      message: `no checkpoint given; the graph uses "${PLACEHOLDER_CHECKPOINT}" (set "checkpoint" in @params)`,
      source: doc.source,
    });
  }
  // ComfyUI names files with their extension (folder_paths); A1111 files often name a checkpoint by stem.
  let ckptName = p.checkpoint ?? PLACEHOLDER_CHECKPOINT;
  if (!/\.(safetensors|ckpt|pt|pth|bin|gguf|sft)$/i.test(ckptName)) {
    const title = /^(.*?)\s*\[[0-9a-f]{8,10}\]$/i.exec(ckptName);
    ckptName = `${title ? title[1] : ckptName}.safetensors`;
    notes.push({ code: 'engine/checkpoint-name', severity: 'info', message: `checkpoint "${p.checkpoint}" is sent to ComfyUI as "${ckptName}"; render matches it against the engine's list`, source: doc.source });
  }
  const checkpoint = builder.add('CheckpointLoaderSimple', { ckpt_name: ckptName }, 'Load Checkpoint', at.checkpoint, { ckpt_name: at.checkpoint });
  let model: ComfyLink = [checkpoint, 0];
  let clip: ComfyLink = [checkpoint, 1];
  let vae: ComfyLink = [checkpoint, 2];
  if (p.clipSkip > 1) {
    clip = [builder.add('CLIPSetLastLayer', { clip, stop_at_clip_layer: -Math.min(24, p.clipSkip) }, undefined, at.clipSkip, { stop_at_clip_layer: at.clipSkip }), 0];
  }
  for (const lora of doc.loras) {
    const id = builder.add(
      'LoraLoader',
      { model, clip, lora_name: loraFileName(lora), strength_model: lora.unet, strength_clip: lora.te },
      `LoRA ${lora.name}`,
      lora.source,
    );
    model = [id, 0];
    clip = [id, 1];
    if (lora.dyn !== undefined) {
      notes.push({ code: 'engine/lora-dyn', severity: 'warning', message: `ComfyUI has no DyLoRA rank option; dyn=${lora.dyn} is dropped`, source: lora.source });
    }
  }
  for (const network of doc.otherNetworks) {
    notes.push({
      code: 'engine/unsupported-network',
      severity: 'warning',
      message: `<${network.type}:…> has no ComfyUI core node and is dropped`,
      source: network.source,
    });
  }
  if (p.vae !== undefined) vae = [builder.add('VAELoader', { vae_name: p.vae }, undefined, at.vae, { vae_name: at.vae }), 0];

  // --base-model (options) wins over what the IR recorded (the library's family of the checkpoint);
  // unknown stays SD1: a checkpoint's name is never taken as evidence (docs/compile.md).
  const sdxl = (options.baseModel ?? p.baseModel) === 'sdxl';
  const context: EncodeContext = { builder, clip, doc, options, notes, sdxl };
  // A1111 composable diffusion: uncond + cfg·Σ wᵢ(condᵢ − uncond). ComfyUI averages conds by
  // strength (comfy/samplers.py calc_cond_batch: out_cond /= out_count), so strength wᵢ and a CFG of
  // cfg·Σwᵢ give the same sum. A single part with a weight (`a cat :1.5`) is the same formula.
  const andWeight = doc.positive.parts.reduce((sum, part) => sum + part.weight, 0);
  const cfg = andWeight > 0 ? Math.round(p.cfg * andWeight * 10000) / 10000 : p.cfg;
  if (doc.positive.parts.length === 1 && andWeight !== 1) {
    notes.push({
      code: 'engine/and-weight',
      severity: andWeight > 0 ? 'info' : 'error',
      message:
        andWeight > 0
          ? `the prompt's weight :${andWeight} (A1111 composable diffusion) becomes CFG ${cfg} (${p.cfg} × ${andWeight})`
          : `the prompt's weight :${andWeight} cannot be expressed in ComfyUI (CFG cannot be ≤ 0)`,
      source: firstSource(doc.positive, doc.source),
    });
  }
  let positive = encodePrompt(context, doc.positive, 'Positive');
  let negative = encodePrompt(context, doc.negative, 'Negative');

  for (const unit of doc.controlnet) {
    if (unit.module !== 'none') {
      notes.push({
        code: 'engine/controlnet-preprocessor',
        severity: 'warning',
        message: `ComfyUI core has no "${unit.module}" preprocessor; the image is used as the control map as is`,
        source: unit.source,
      });
    }
    if (unit.image === undefined) {
      notes.push({ code: 'engine/controlnet-image', severity: 'error', message: 'a ControlNet unit needs an image for ComfyUI', source: unit.source });
      continue;
    }
    const loader = builder.add('ControlNetLoader', { control_net_name: unit.model }, undefined, unit.source);
    const image = builder.add('LoadImage', { image: comfyImageName(unit.image) }, undefined, unit.source);
    const apply = builder.add(
      'ControlNetApplyAdvanced',
      {
        positive,
        negative,
        control_net: [loader, 0],
        image: [image, 0],
        strength: unit.weight,
        start_percent: unit.guidanceStart,
        end_percent: unit.guidanceEnd,
      },
      undefined,
      unit.source,
    );
    positive = [apply, 0];
    negative = [apply, 1];
  }

  let latent: ComfyLink;
  let denoise = 1;
  if (doc.init) {
    const init = doc.init;
    const pixels = builder.add('LoadImage', { image: comfyImageName(init.image) }, undefined, init.source);
    denoise = init.denoise;
    if (init.mask !== undefined) {
      // A1111 masks are white where to paint: read one channel of the mask image.
      const mask = builder.add('LoadImageMask', { image: comfyImageName(init.mask), channel: 'red' }, undefined, init.source);
      if (init.invertMask) {
        notes.push({ code: 'engine/inpaint-invert', severity: 'warning', message: 'ComfyUI core graph does not invert the mask; invert the mask image instead', source: init.source });
      }
      const conditioning = builder.add(
        'InpaintModelConditioning',
        { positive, negative, vae, pixels: [pixels, 0], mask: [mask, 0], noise_mask: true },
        undefined,
        init.source,
      );
      positive = [conditioning, 0];
      negative = [conditioning, 1];
      latent = [conditioning, 2];
    } else {
      latent = [builder.add('VAEEncode', { pixels: [pixels, 0], vae }, undefined, init.source), 0];
    }
  } else {
    latent = [
      builder.add('EmptyLatentImage', { width: p.width, height: p.height, batch_size: p.batchSize }, undefined, undefined, {
        width: at.width,
        height: at.height,
        batch_size: at.batchSize,
      }),
      0,
    ];
  }

  const mapping = mapSamplerToComfy(p.sampler, p.scheduler);
  if (mapping.problem) notes.push({ code: 'engine/sampler', severity: 'warning', message: mapping.problem, source: doc.source });
  let seed = p.seed;
  if (seed < 0) {
    // ComfyUI's KSampler seed has min 0: the random choice A1111 makes server-side is made here.
    seed = options.randomSeed ? options.randomSeed() : randomInt(0, 2 ** 32);
    notes.push({ code: 'engine/random-seed', severity: 'info', message: `seed -1 (random): compiled with seed ${seed}`, source: doc.source });
  }
  // A scheduler written inside the sampler name (`DPM++ 2M Karras`) was set by the sampler line.
  const samplerSources = { seed: at.seed, steps: at.steps, cfg: at.cfg, sampler_name: at.sampler, scheduler: at.scheduler ?? at.sampler, denoise: doc.init?.source };
  let samples: ComfyLink = [
    builder.add(
      'KSampler',
      {
        model,
        seed,
        steps: p.steps,
        cfg,
        sampler_name: mapping.sampler,
        scheduler: mapping.scheduler,
        positive,
        negative,
        latent_image: latent,
        denoise,
      },
      undefined,
      undefined,
      samplerSources,
    ),
    0,
  ];
  if (p.hires) {
    const hires = p.hires;
    if (!/^latent/i.test(hires.upscaler)) {
      notes.push({
        code: 'engine/hires-upscaler',
        severity: 'warning',
        message: `hires upscaler "${hires.upscaler}" becomes a latent upscale in ComfyUI core`,
        source: doc.source,
      });
    }
    const upscaled = builder.add('LatentUpscale', {
      samples,
      upscale_method: 'nearest-exact',
      width: Math.round((p.width * hires.scale) / 8) * 8,
      height: Math.round((p.height * hires.scale) / 8) * 8,
      crop: 'disabled',
    });
    samples = [
      builder.add('KSampler', {
        model,
        seed,
        steps: hires.steps > 0 ? hires.steps : p.steps,
        cfg,
        sampler_name: mapping.sampler,
        scheduler: mapping.scheduler,
        positive,
        negative,
        latent_image: [upscaled, 0],
        denoise: hires.denoise,
      }),
      0,
    ];
  }
  const decoded = builder.add('VAEDecode', { samples, vae });
  builder.add('SaveImage', { images: [decoded, 0], filename_prefix: COMFY_FILENAME_PREFIX });
  return { payload: { prompt: builder.graph }, notes, nodeSources: builder.sources, inputSources: builder.inputSources };
}
