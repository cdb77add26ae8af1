/**
 * `sdprompt import`: a prompt file from what an image or a text carries.
 *  - an sdprompt PNG: its `sdprompt-source` chunk is the original file, returned as is;
 *  - an A1111 PNG (`parameters` chunk) or infotext text: the infotext is itself a prompt file
 *    (the "infotext" form), so it is kept verbatim, lossless;
 *  - a ComfyUI PNG (`prompt` chunk, API JSON): the KSampler's inputs are traced back to recover
 *    the checkpoint, the LoraLoader chain (as `<lora:…>` tags), the CLIPTextEncode texts (ComfyUI's
 *    absolute weights rewritten in A1111 syntax) and the sampling parameters.
 */
import { mapSamplerFromComfy } from '../engines/samplers.js';
import { readPngText } from '../render/png-text.js';
import { comfyWeightedSegments } from '../semantics/comfyui.js';
import { formatWeight } from '../compile/target.js';

export interface ImportResult {
  text: string;
  /** Where the text came from. */
  origin: 'sdprompt' | 'a1111' | 'comfyui' | 'text';
  /** What could not be carried over. */
  notes: string[];
}

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

type Graph = Record<string, { class_type?: string; inputs?: Record<string, unknown> }>;

function linkOf(value: unknown): string | undefined {
  return Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') ? String(value[0]) : undefined;
}

/** A1111 escapes for literal text: `\( \) \[ \] \\` (modules/prompt_parser.py re_attention). */
function escapeA1111(text: string): string {
  return text.replace(/[()[\]\\]/g, (c) => '\\' + c);
}

/**
 * ComfyUI prompt text → A1111 text with the same absolute weights (flat, never nested). Words that
 * are syntax only to A1111 are neutralised without changing ComfyUI's tokens: `AND`/`BREAK` are
 * lower-cased (CLIP lower-cases all text), and a trailing `:number`, which A1111 would read as an
 * AND weight (prompt_parser.py re_weight), is wrapped in `(…:1)`.
 */
export function comfyTextToA1111(text: string): string {
  const pieces = comfyWeightedSegments(text).map((segment) => {
    const body = escapeA1111(segment.text).replace(/\b(AND|BREAK)\b/g, (word) => word.toLowerCase());
    return segment.weight === 1 ? body : `(${body}:${formatWeight(segment.weight)})`;
  });
  const last = pieces.length - 1;
  if (last >= 0 && /:\s*[-+]?(\d+\.?|\d*\.\d+)\s*$/.test(pieces[last]!)) pieces[last] = `(${pieces[last]}:1)`;
  return pieces.join('');
}

/** Collects the texts of the CLIPTextEncode nodes under a conditioning link, with how they are joined. */
function conditioningText(graph: Graph, id: string | undefined, notes: string[], depth = 0): string {
  if (id === undefined || depth > 50) return '';
  const node = graph[id];
  if (!node) return '';
  const inputs = node.inputs ?? {};
  switch (node.class_type) {
    case 'CLIPTextEncode':
      return typeof inputs.text === 'string' ? comfyTextToA1111(inputs.text) : '';
    case 'CLIPTextEncodeSDXL':
      return typeof inputs.text_g === 'string' ? comfyTextToA1111(inputs.text_g) : '';
    case 'ConditioningConcat':
      return [conditioningText(graph, linkOf(inputs.conditioning_to), notes, depth + 1), conditioningText(graph, linkOf(inputs.conditioning_from), notes, depth + 1)].join(' BREAK ');
    case 'ConditioningCombine':
      notes.push('ConditioningCombine imported as AND (A1111 adds the parts where ComfyUI averages them)');
      return [conditioningText(graph, linkOf(inputs.conditioning_1), notes, depth + 1), conditioningText(graph, linkOf(inputs.conditioning_2), notes, depth + 1)].join(' AND ');
    case 'ConditioningSetTimestepRange':
    case 'ConditioningSetAreaStrength':
      notes.push(`${node.class_type} is not carried over`);
      return conditioningText(graph, linkOf(inputs.conditioning), notes, depth + 1);
    case 'ControlNetApplyAdvanced':
    case 'ControlNetApply':
      notes.push('ControlNet nodes are not carried over');
      return conditioningText(graph, linkOf(inputs.positive ?? inputs.conditioning), notes, depth + 1);
    default:
      notes.push(`conditioning node ${node.class_type ?? '?'} is not understood`);
      return '';
  }
}

function loraStem(name: string): string {
  return (name.split(/[\\/]/).pop() ?? name).replace(/\.(safetensors|ckpt|pt)$/i, '');
}

/** Recovers a structured prompt file from a ComfyUI API-format graph. */
export function importComfyPrompt(graph: Graph): ImportResult {
  const notes: string[] = [];
  const samplerId = Object.keys(graph).find((id) => graph[id]?.class_type === 'KSampler' || graph[id]?.class_type === 'KSamplerAdvanced');
  if (samplerId === undefined) throw new ImportError('the ComfyUI prompt has no KSampler node; nothing to import');
  const sampler = graph[samplerId]!.inputs ?? {};
  const params: Array<[string, string | number]> = [];
  const loras: string[] = [];
  // The model input leads back through LoraLoader nodes to the checkpoint loader.
  let modelId = linkOf(sampler.model);
  for (let guard = 0; modelId !== undefined && guard < 100; guard++) {
    const node = graph[modelId];
    const inputs = node?.inputs ?? {};
    if (node?.class_type === 'LoraLoader' || node?.class_type === 'LoraLoaderModelOnly') {
      const unet = Number(inputs.strength_model ?? 1);
      const te = node.class_type === 'LoraLoader' ? Number(inputs.strength_clip ?? 1) : 0;
      const name = loraStem(String(inputs.lora_name ?? ''));
      loras.unshift(te === unet ? `<lora:${name}:${formatWeight(te)}>` : `<lora:${name}:${formatWeight(te)}:${formatWeight(unet)}>`);
      modelId = linkOf(inputs.model);
    } else {
      if (node && typeof inputs.ckpt_name === 'string') params.push(['checkpoint', inputs.ckpt_name]);
      else if (node) notes.push(`model loader ${node.class_type} is not understood`);
      break;
    }
  }
  for (const node of Object.values(graph)) {
    if (node.class_type === 'CLIPSetLastLayer') params.push(['clip-skip', -Number(node.inputs?.stop_at_clip_layer ?? -1)]);
    if (node.class_type === 'EmptyLatentImage') params.push(['width', Number(node.inputs?.width)], ['height', Number(node.inputs?.height)]);
  }
  const seed = sampler.seed ?? sampler.noise_seed;
  if (seed !== undefined) params.push(['seed', Number(seed)]);
  if (sampler.steps !== undefined) params.push(['steps', Number(sampler.steps)]);
  if (sampler.cfg !== undefined) params.push(['cfg', Number(sampler.cfg)]);
  const names = mapSamplerFromComfy(String(sampler.sampler_name ?? ''), String(sampler.scheduler ?? ''));
  if (names.sampler) params.push(['sampler', names.sampler]);
  else notes.push(`ComfyUI sampler "${String(sampler.sampler_name)}" has no A1111 name`);
  if (names.scheduler) params.push(['scheduler', names.scheduler]);
  const positive = [conditioningText(graph, linkOf(sampler.positive), notes), ...loras].filter((part) => part !== '').join(' ');
  const negative = conditioningText(graph, linkOf(sampler.negative), notes);
  const lines = ['# imported from a ComfyUI prompt', '@params', ...params.map(([key, value]) => `${key}: ${value}`), '', '@prompt', positive];
  if (negative !== '') lines.push('@negative', negative);
  return { text: lines.join('\n') + '\n', origin: 'comfyui', notes: [...new Set(notes)] };
}

/** Imports from PNG bytes. */
export function importPng(png: Buffer): ImportResult {
  const chunks = readPngText(png);
  if (chunks['sdprompt-source'] !== undefined) return { text: chunks['sdprompt-source'], origin: 'sdprompt', notes: [] };
  if (chunks.parameters !== undefined) return { text: withNewline(chunks.parameters), origin: 'a1111', notes: [] };
  if (chunks.prompt !== undefined) {
    let graph: Graph;
    try {
      graph = JSON.parse(chunks.prompt) as Graph;
    } catch {
      throw new ImportError('the PNG\'s "prompt" chunk is not valid JSON');
    }
    return importComfyPrompt(graph);
  }
  const keys = Object.keys(chunks);
  throw new ImportError(`the PNG has no generation data (no "parameters", "prompt" or "sdprompt-source" text chunk${keys.length ? `; it has ${keys.join(', ')}` : ''})`);
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}

/** Imports from text: a ComfyUI API JSON, or infotext / a bare prompt (kept as is). */
export function importText(text: string): ImportResult {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      const graph = (parsed.prompt && typeof parsed.prompt === 'object' ? parsed.prompt : parsed) as Graph;
      return importComfyPrompt(graph);
    } catch (error) {
      if (error instanceof ImportError) throw error;
      // not JSON: a prompt that starts with "{"
    }
  }
  return { text: withNewline(text.replace(/\r\n?/g, '\n')), origin: 'text', notes: [] };
}
