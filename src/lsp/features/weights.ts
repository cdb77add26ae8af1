/**
 * Maps document offsets to what A1111 makes of them, through the semantic model: the resolved
 * prompt whose source map holds the offset, the attention segments whose `origins` hold the
 * resolved-text index (A1111 modules/prompt_parser.py parse_prompt_attention, per AND part and
 * schedule step), and the token chunk (modules/sd_hijack_clip.py tokenize_line) it falls in.
 */
import type { EngineKind, ResolvedPrompt } from '../../semantics/model.js';
import type { DocumentAnalysis } from '../documents.js';
import type { ChunkOutput, Toolchain } from '../toolchain.js';

export interface PromptAt {
  prompt: ResolvedPrompt;
  /** Index in `prompt.text` of the character written at the offset. */
  index: number;
  engine: EngineKind;
}

/** Every resolved prompt of the model (positive and negative of each prompt). */
export function resolvedPrompts(analysis: DocumentAnalysis): Array<{ prompt: ResolvedPrompt; engine: EngineKind }> {
  const result: Array<{ prompt: ResolvedPrompt; engine: EngineKind }> = [];
  for (const model of analysis.model?.prompts ?? []) {
    const engine = model.parameters?.engine ?? 'a1111';
    if (model.positive) result.push({ prompt: model.positive, engine });
    if (model.negative) result.push({ prompt: model.negative, engine });
  }
  return result;
}

export function promptAt(analysis: DocumentAnalysis, offset: number): PromptAt | undefined {
  for (const { prompt, engine } of resolvedPrompts(analysis)) {
    const node = prompt.node;
    if (!node || offset < node.range.start.offset || offset >= node.range.end.offset) continue;
    const index = prompt.sourceMap.indexOf(offset);
    if (index >= 0 && index < prompt.text.length) return { prompt, index, engine };
  }
  return undefined;
}

export interface WeightAt {
  /** AND part (0-based) and the schedule step up to which this weight holds. */
  subprompt: number;
  step: number;
  weight: number;
  /** True for the BREAK marker (A1111 weight -1). */
  isBreak: boolean;
}

/** The effective weights of the character at `index`, one per AND part and schedule step holding it. */
export function weightsAt(prompt: ResolvedPrompt, index: number): WeightAt[] {
  const result: WeightAt[] = [];
  (prompt.a1111?.subprompts ?? []).forEach((subprompt, part) => {
    for (const schedule of subprompt.schedules ?? []) {
      for (const segment of schedule.attention ?? []) {
        if (!segment.origins?.includes(index)) continue;
        result.push({ subprompt: part, step: schedule.step, weight: segment.weight, isBreak: segment.text === 'BREAK' && segment.weight === -1 });
        break;
      }
    }
  });
  return result;
}

/** Distinct weights, in order, with the steps each holds for ("1.21 (steps 1-10), 1.1 (steps 11-20)"). */
export function describeWeights(weights: WeightAt[]): string | undefined {
  const usable = weights.filter((weight) => !weight.isBreak);
  if (usable.length === 0) return undefined;
  const distinct = [...new Set(usable.map((weight) => weight.weight))];
  if (distinct.length === 1) return formatEffective(distinct[0]!);
  return usable.map((weight) => `${formatEffective(weight.weight)} (AND part ${weight.subprompt + 1}, up to step ${weight.step})`).join(', ');
}

export function formatEffective(weight: number): string {
  return String(Number(weight.toPrecision(6)));
}

export interface ChunkAt {
  /** 1-based chunk number and how many the prompt has. */
  number: number;
  of: number;
  tokenCount: number;
  capacity: number;
  approximate: boolean;
}

/** The chunk holding `index`, through the toolchain's chunker (cached per prompt by the caller). */
export function chunkAt(chunks: ChunkOutput, index: number): ChunkAt | undefined {
  const found = chunks.chunks.findIndex((chunk) => chunk.textStart >= 0 && chunk.textStart <= index && index < chunk.textEnd);
  if (found < 0) return undefined;
  const chunk = chunks.chunks[found]!;
  return { number: found + 1, of: chunks.chunks.length, tokenCount: chunk.tokenCount, capacity: chunk.capacity, approximate: chunks.approximate };
}

/** Chunks of a prompt, computed once per analysis (hover and inlay hints share them). */
export function chunksOf(toolchain: Toolchain, analysis: DocumentAnalysis, prompt: ResolvedPrompt, engine: EngineKind): ChunkOutput | undefined {
  if (!toolchain.chunks) return undefined;
  analysis.chunkCache ??= new Map();
  let chunks = analysis.chunkCache.get(prompt);
  if (!chunks) {
    chunks = toolchain.chunks(prompt, engine);
    analysis.chunkCache.set(prompt, chunks);
  }
  return chunks;
}
