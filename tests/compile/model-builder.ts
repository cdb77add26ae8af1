/**
 * Builds semantic models by hand for compile tests, so the compiler is tested against the
 * model.ts contract independently of the parser. Source offsets equal text offsets (the prompt
 * starts at document offset 0 on line 0).
 */
import type { Range } from '../../src/grammar/ast.js';
import type {
  AttentionSegment,
  ExtraNetworkCall,
  GenerationParameters,
  LoraUse,
  PromptModel,
  ResolvedPrompt,
  SubPrompt,
} from '../../src/semantics/model.js';

export function range(start: number, end: number): Range {
  return { start: { offset: start, line: 0, column: start }, end: { offset: end, line: 0, column: end } };
}

/** `[text, weight]` pairs; 'BREAK' with weight -1 is a BREAK. Origins point at the text's first occurrence. */
export type Seg = [string, number];

function attention(text: string, segments: Seg[]): AttentionSegment[] {
  let cursor = 0;
  return segments.map(([segmentText, weight]) => {
    const at = text.indexOf(segmentText, cursor);
    const origins = [...segmentText].map((_, i) => (at < 0 ? -1 : at + i));
    if (at >= 0) cursor = at + segmentText.length;
    return { text: segmentText, weight, origins };
  });
}

export interface PromptSpec {
  text: string;
  /** One entry per AND part; each a list of schedule steps. Default: one part, one step. */
  parts?: Array<{ weight: number; steps: Array<{ step: number; segments: Seg[] }> }>;
  segments?: Seg[];
  loras?: Array<{ name: string; te: number; unet: number; dyn?: number; type?: string }>;
  networks?: Array<{ type: string; args: string[] }>;
  steps?: number;
}

export function resolved(spec: PromptSpec): ResolvedPrompt {
  const steps = spec.steps ?? 20;
  const parts = spec.parts ?? [{ weight: 1, steps: [{ step: steps, segments: spec.segments ?? [[spec.text, 1]] }] }];
  const subprompts: SubPrompt[] = parts.map((part) => ({
    weight: part.weight,
    text: spec.text,
    schedules: part.steps.map((s) => ({ step: s.step, text: spec.text, origins: [], attention: attention(spec.text, s.segments) })),
  }));
  const networks: ExtraNetworkCall[] = [];
  const loras: LoraUse[] = [];
  for (const lora of spec.loras ?? []) {
    const tag = `<${lora.type ?? 'lora'}:${lora.name}`;
    const start = spec.text.indexOf(tag);
    const end = spec.text.indexOf('>', start) + 1;
    networks.push({ type: lora.type ?? 'lora', args: spec.text.slice(start + tag.length + 1, end - 1).split(':'), textStart: start, textEnd: end });
    loras.push({ type: lora.type ?? 'lora', name: lora.name, te: lora.te, unet: lora.unet, ...(lora.dyn !== undefined ? { dyn: lora.dyn } : {}), explicitWeight: true, range: range(start, end) });
  }
  for (const network of spec.networks ?? []) {
    const start = spec.text.indexOf(`<${network.type}:`);
    const end = spec.text.indexOf('>', start) + 1;
    networks.push({ type: network.type, args: network.args, textStart: start, textEnd: end });
  }
  return {
    node: { kind: 'prompt-text', body: [], text: spec.text, sourceMap: Int32Array.from(Array(spec.text.length + 1).keys()), range: range(0, spec.text.length) },
    text: spec.text,
    sourceMap: Int32Array.from(Array(spec.text.length + 1).keys()),
    a1111: { networks, subprompts, ambiguities: [], scheduleFallback: false },
    loras,
  };
}

export function parameters(overrides: Partial<GenerationParameters> = {}): GenerationParameters {
  return { steps: 20, cfg: 7, seed: 42, width: 512, height: 512, clipSkip: 1, batchSize: 1, batchCount: 1, controlnet: [], extra: {}, ...overrides };
}

export function promptModel(positive: PromptSpec, negative?: PromptSpec, params: Partial<GenerationParameters> = {}, name?: string): PromptModel {
  const model: PromptModel = {
    node: { kind: 'prompt', positive: resolved(positive).node, blocks: [], range: range(0, positive.text.length) },
    positive: resolved(positive),
    parameters: parameters(params),
  };
  if (negative) model.negative = resolved(negative);
  if (name !== undefined) model.name = name;
  return model;
}
