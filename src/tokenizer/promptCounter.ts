/**
 * Token counts and chunk spans of a resolved prompt for the engine it targets: what the linter's token
 * rules and the language server's inlay hints read. A1111-family engines chunk with A1111's
 * tokenize_line over the semantic model's attention segments; ComfyUI chunks its own way on the raw
 * text. sd.cpp and compel have their own tokenizers and are counted with A1111's rules (an
 * approximation that docs/tokenizer.md states).
 */
import { A1111Error, parseExtraNetworks, promptSchedules } from '../semantics/a1111/index.js';
import type { A1111Conditioning, EngineKind, ResolvedPrompt } from '../semantics/model.js';
import { countA1111, type A1111ChunkOptions, type A1111TokenCount, type PromptChunk, type TokenSource } from './a1111Chunks.js';
import { chunkComfy, type ComfyChunking } from './comfyChunks.js';
import { TokenEstimate } from './estimate.js';
import type { FrontEnd } from './frontEnds.js';
import type { ClipTokenizer } from './tokenizer.js';

/** One chunk mapped back to the prompt text. */
export interface ChunkSpan {
  /** Text tokens in the chunk (no start/end/padding). */
  tokenCount: number;
  /** Offset of the first character that produced a token of this chunk, or -1 for an empty chunk. */
  textStart: number;
  /** Offset just after the last character that produced a token of this chunk, or -1. */
  textEnd: number;
}

export function chunkSpans(chunks: readonly PromptChunk[]): ChunkSpan[] {
  return chunks.map((chunk) => {
    if (chunk.tokens.length === 0) return { tokenCount: 0, textStart: -1, textEnd: -1 };
    let textStart = Infinity;
    let textEnd = -1;
    for (const token of chunk.tokens) {
      textStart = Math.min(textStart, token.start);
      textEnd = Math.max(textEnd, token.end);
    }
    return { tokenCount: chunk.tokens.length, textStart, textEnd };
  });
}

/**
 * What A1111 makes of a NEGATIVE prompt: it is conditioned without the AND split
 * (modules/processing.py get_learned_conditioning; the token counter's is_positive=False), so there "AND"
 * is just a word. Networks are stripped, then schedules expanded, as for a positive prompt.
 */
export function negativeA1111Conditioning(resolved: ResolvedPrompt, steps: number): A1111Conditioning {
  if (resolved.a1111.subprompts.length <= 1 || resolved.a1111.error !== undefined) return resolved.a1111;
  const networks = parseExtraNetworks(resolved.text);
  try {
    const schedules = promptSchedules(networks.text, { steps }, networks.origins);
    return {
      networks: networks.calls,
      subprompts: [{ weight: 1, text: networks.text, schedules: schedules.steps }],
      ambiguities: schedules.ambiguities,
      scheduleFallback: schedules.fallback,
    };
  } catch (error) {
    if (!(error instanceof A1111Error)) throw error;
    return { ...resolved.a1111, error: error.message };
  }
}

function sourceFor(tokenizer: ClipTokenizer | undefined, frontEnd: FrontEnd): TokenSource {
  if (tokenizer === undefined) return new TokenEstimate();
  return {
    approximate: false,
    encodeWithOffsets: (text, origins) => tokenizer.encodeWithOffsets(text, origins, frontEnd),
  };
}

export class PromptTokenCounter {
  readonly approximate: boolean;
  private readonly a1111Source: TokenSource;
  private readonly comfySource: TokenSource;
  private readonly a1111Cache = new WeakMap<A1111Conditioning, A1111TokenCount>();
  private readonly comfyCache = new Map<string, ComfyChunking>();

  /** Without a tokenizer every count is an estimate (`approximate` is true). */
  constructor(
    tokenizer: ClipTokenizer | undefined,
    private readonly options: A1111ChunkOptions = {},
  ) {
    this.approximate = tokenizer === undefined;
    this.a1111Source = sourceFor(tokenizer, 'a1111');
    this.comfySource = sourceFor(tokenizer, 'comfyui');
  }

  /** A1111's counter and chunks for a conditioned prompt (networks stripped, AND split, schedules). */
  a1111(conditioning: A1111Conditioning): A1111TokenCount {
    let count = this.a1111Cache.get(conditioning);
    if (count === undefined) {
      count = countA1111(conditioning, this.a1111Source, this.options);
      this.a1111Cache.set(conditioning, count);
    }
    return count;
  }

  /** ComfyUI's chunks of a prompt text. */
  comfy(text: string): ComfyChunking {
    let chunking = this.comfyCache.get(text);
    if (chunking === undefined) {
      chunking = chunkComfy(text, this.comfySource);
      if (this.comfyCache.size > 256) this.comfyCache.clear();
      this.comfyCache.set(text, chunking);
    }
    return chunking;
  }

  /** The chunks of the first AND part at its first schedule step, as the engine fills them. */
  chunkTokens(prompt: ResolvedPrompt, engine: EngineKind): PromptChunk[] {
    if (engine === 'comfyui') return this.comfy(prompt.text).chunks;
    return this.a1111(prompt.a1111).first.chunks;
  }

  chunks(prompt: ResolvedPrompt, engine: EngineKind): ChunkSpan[] {
    return chunkSpans(this.chunkTokens(prompt, engine));
  }

  /** The "n/target" counter (for ComfyUI: the same display convention over its own chunks). */
  count(prompt: ResolvedPrompt, engine: EngineKind): { count: number; target: number } {
    if (engine === 'comfyui') {
      const chunking = this.comfy(prompt.text);
      return { count: chunking.tokenCount, target: chunking.target };
    }
    const count = this.a1111(prompt.a1111);
    return { count: count.count, target: count.target };
  }
}
