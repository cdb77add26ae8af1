/**
 * Semantic model → IR. Pure: reads a PromptModel (helper B's analyze + helper A's A1111 semantics)
 * and rewrites it into the flat, absolute form of ir.ts. No engine knowledge lives here.
 */
import type { AttentionSegment, LoraUse, PromptModel, ResolvedPrompt } from '../semantics/model.js';
import { DEFAULT_CONTROLNET_MODULE, DEFAULT_HIRES } from './defaults.js';
import {
  IR_VERSION,
  type IrChunk,
  type IrEmbedding,
  type IrDocument,
  type IrLora,
  type IrBaseModel,
  type IrNetwork,
  type IrParameters,
  type IrPart,
  type IrPrompt,
  type IrScheduleStep,
  type IrSource,
  type IrSpan,
} from './ir.js';

export interface LowerOptions {
  /**
   * Resolves a LoRA name to its file relative to the LoRA folder (helper D's library). Without it,
   * LoRAs keep only their name and adapters fall back to `NAME.safetensors`.
   */
  resolveLora?: (name: string) => { file: string } | undefined;
  /** Resolves a word to an embedding (library inventory); returns ComfyUI's `embedding:` name. */
  resolveEmbedding?: (word: string) => string | undefined;
  /** The user's statement of the model family (`--base-model`); wins over the library. */
  baseModel?: 'sd1' | 'sdxl';
  /**
   * The family of a checkpoint as the library knows it (`resolveCheckpoint(name).baseModel`, the
   * same fact the `lora/family-mismatch` rule uses), or undefined when the name is not found.
   */
  checkpointFamily?: (checkpoint: string) => string | undefined;
}

const IR_BASE_MODELS: ReadonlySet<string> = new Set<IrBaseModel>(['sd1', 'sd2', 'sdxl', 'sd3-flux']);

/** `--base-model` wins; else the library's family of the checkpoint; never a guess from the name. */
function baseModelOf(checkpoint: string | undefined, options: LowerOptions): Pick<IrParameters, 'baseModel' | 'baseModelFrom'> {
  if (options.baseModel) return { baseModel: options.baseModel, baseModelFrom: 'option' };
  const family = checkpoint !== undefined ? options.checkpointFamily?.(checkpoint) : undefined;
  return family !== undefined && IR_BASE_MODELS.has(family) ? { baseModel: family as IrBaseModel, baseModelFrom: 'library' } : {};
}

/** A1111 parse_prompt_attention marks BREAK as this segment (modules/prompt_parser.py). */
function isBreak(segment: AttentionSegment): boolean {
  return segment.text === 'BREAK' && segment.weight === -1;
}

/** Document range covered by the chars of a prompt text, through its source map. */
function sourceOfOrigins(prompt: ResolvedPrompt, origins: readonly number[]): IrSource | undefined {
  let start = Infinity;
  let end = -Infinity;
  for (const origin of origins) {
    if (origin < 0) continue;
    const offset = prompt.sourceMap[origin];
    if (offset === undefined) continue;
    if (offset < start) start = offset;
    if (offset + 1 > end) end = offset + 1;
  }
  return start === Infinity ? undefined : { start, end };
}

function sourceOfText(prompt: ResolvedPrompt, textStart: number, textEnd: number): IrSource {
  const map = prompt.sourceMap;
  const start = map[Math.min(textStart, map.length - 1)] ?? prompt.node.range.start.offset;
  const lastChar = map[Math.max(textStart, Math.min(textEnd, map.length - 1) - 1)];
  return { start, end: lastChar === undefined ? start : Math.max(start, lastChar + 1) };
}

function chunksOf(prompt: ResolvedPrompt, attention: readonly AttentionSegment[]): IrChunk[] {
  const chunks: IrChunk[] = [[]];
  for (const segment of attention) {
    if (isBreak(segment)) {
      chunks.push([]);
      continue;
    }
    if (segment.text === '') continue;
    const span: IrSpan = { text: segment.text, weight: segment.weight };
    const source = sourceOfOrigins(prompt, segment.origins);
    if (source) span.source = source;
    chunks[chunks.length - 1]!.push(span);
  }
  return chunks;
}

function stripNetworks(prompt: ResolvedPrompt): string {
  let out = '';
  let at = 0;
  const calls = [...prompt.a1111.networks].sort((a, b) => a.textStart - b.textStart);
  for (const call of calls) {
    if (call.textStart < at) continue;
    out += prompt.text.slice(at, call.textStart);
    at = call.textEnd;
  }
  return out + prompt.text.slice(at);
}

export function lowerPrompt(prompt: ResolvedPrompt | undefined, steps: number): IrPrompt {
  if (!prompt) {
    return {
      text: '',
      strippedText: '',
      parts: [{ weight: 1, schedule: [{ fromStep: 0, toStep: steps, chunks: [[]] }] }],
      uses: { and: false, schedule: false, break: false },
    };
  }
  const parts: IrPart[] = prompt.a1111.subprompts.map((subprompt) => {
    let from = 0;
    const schedule: IrScheduleStep[] = subprompt.schedules.map((step) => {
      const entry = { fromStep: from, toStep: step.step, chunks: chunksOf(prompt, step.attention) };
      from = step.step;
      return entry;
    });
    return { weight: subprompt.weight, schedule };
  });
  return {
    text: prompt.text,
    strippedText: stripNetworks(prompt),
    parts,
    uses: {
      and: parts.length > 1,
      schedule: parts.some((part) => part.schedule.length > 1),
      break: parts.some((part) => part.schedule.some((step) => step.chunks.length > 1)),
    },
  };
}

function lowerLora(use: LoraUse, options: LowerOptions): IrLora {
  const lora: IrLora = {
    type: use.type,
    name: use.name,
    te: use.te,
    unet: use.unet,
    source: { start: use.range.start.offset, end: use.range.end.offset },
  };
  if (use.dyn !== undefined) lora.dyn = use.dyn;
  const resolved = options.resolveLora?.(use.name);
  if (resolved) lora.file = resolved.file;
  return lora;
}

const LORA_TYPES = new Set(['lora', 'lyco']);

function otherNetworks(positive: ResolvedPrompt, negative: ResolvedPrompt | undefined): IrNetwork[] {
  const found: IrNetwork[] = [];
  for (const call of positive.a1111.networks) {
    if (LORA_TYPES.has(call.type)) continue;
    found.push({ type: call.type, args: call.args, source: sourceOfText(positive, call.textStart, call.textEnd) });
  }
  // A1111 parses extra networks in positive prompts only (processing.py parse_extra_network_prompts):
  // a tag in the negative is plain text there. Collected so the engine rules can warn about it.
  if (negative) {
    for (const call of negative.a1111.networks) {
      found.push({ type: call.type, args: call.args, source: sourceOfText(negative, call.textStart, call.textEnd) });
    }
  }
  return found;
}

/** Lowers one prompt of a file model to the IR. */
export function lowerPromptModel(model: PromptModel, index: number, options: LowerOptions = {}): IrDocument {
  const p = model.parameters;
  const document: IrDocument = {
    irVersion: IR_VERSION,
    index,
    positive: lowerPrompt(model.positive, p.steps),
    negative: lowerPrompt(model.negative, p.steps),
    loras: withTextOffsets(model.positive, model.positive.loras.map((use) => lowerLora(use, options))),
    otherNetworks: otherNetworks(model.positive, model.negative),
    parameters: {
      steps: p.steps,
      cfg: p.cfg,
      seed: p.seed,
      width: p.width,
      height: p.height,
      clipSkip: p.clipSkip,
      batchSize: p.batchSize,
      batchCount: p.batchCount,
      extra: { ...p.extra },
    },
    controlnet: p.controlnet.map((unit) => ({
      model: unit.model,
      module: unit.module ?? DEFAULT_CONTROLNET_MODULE,
      ...(unit.image !== undefined ? { image: unit.image } : {}),
      weight: unit.weight,
      guidanceStart: unit.guidanceStart,
      guidanceEnd: unit.guidanceEnd,
      ...(unit.controlMode !== undefined ? { controlMode: unit.controlMode } : {}),
      ...(unit.resizeMode !== undefined ? { resizeMode: unit.resizeMode } : {}),
      ...(unit.processorRes !== undefined ? { processorRes: unit.processorRes } : {}),
      source: { start: unit.range.start.offset, end: unit.range.end.offset },
    })),
    source: { start: model.node.range.start.offset, end: model.node.range.end.offset },
  };
  if (model.name !== undefined) document.name = model.name;
  if (options.resolveEmbedding) document.embeddings = findEmbeddings([document.positive.strippedText, document.negative.text], options.resolveEmbedding);
  if (p.checkpoint !== undefined) document.parameters.checkpoint = p.checkpoint;
  Object.assign(document.parameters, baseModelOf(p.checkpoint, options));
  if (p.vae !== undefined) document.parameters.vae = p.vae;
  if (p.sampler !== undefined) document.parameters.sampler = p.sampler;
  if (p.scheduler !== undefined) document.parameters.scheduler = p.scheduler;
  if (p.hires) document.parameters.hires = { ...DEFAULT_HIRES, ...definedOnly(p.hires) };
  if (p.init) {
    const { range, ...init } = p.init;
    document.init = { ...definedOnly(init), image: init.image, denoise: init.denoise, source: { start: range.start.offset, end: range.end.offset } };
  }
  return document;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Pairs each LoRA with its tag in the prompt text. Both lists are in textual order once the
 * network calls are sorted (A1111 groups calls by type, extra_networks.py parse_prompts).
 */
function withTextOffsets(prompt: ResolvedPrompt, loras: IrLora[]): IrLora[] {
  const calls = prompt.a1111.networks.filter((call) => LORA_TYPES.has(call.type)).sort((a, b) => a.textStart - b.textStart);
  if (calls.length !== loras.length) return loras;
  return loras.map((lora, i) => ({ ...lora, textStart: calls[i]!.textStart, textEnd: calls[i]!.textEnd }));
}

/** Words of the prompts that name an embedding (A1111 matches embeddings by their tokens, word by word). */
function findEmbeddings(texts: string[], resolve: (word: string) => string | undefined): IrEmbedding[] {
  const found = new Map<string, IrEmbedding>();
  for (const text of texts) {
    for (const word of text.split(/[\s,()[\]:|<>]+/)) {
      if (word === '' || found.has(word.toLowerCase())) continue;
      const comfyName = resolve(word);
      if (comfyName !== undefined) found.set(word.toLowerCase(), { name: word, comfyName });
    }
  }
  return [...found.values()];
}
