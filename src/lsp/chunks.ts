/**
 * Token chunks for hover and inlay hints through src/tokenizer's PromptTokenCounter: A1111's
 * tokenize_line over the model's attention segments (ComfyUI its own way). Without a CLIP
 * vocabulary the counter estimates, and every hint says so.
 */
import { discoverVocabulary, PromptTokenCounter, ClipTokenizer, CHUNK_LENGTH } from '../tokenizer/index.js';
import type { EngineKind, ResolvedPrompt } from '../semantics/model.js';
import type { ChunkOutput } from './toolchain.js';

export interface Chunker {
  chunks(prompt: ResolvedPrompt, engine: EngineKind): ChunkOutput;
  configure(options: { vocab?: string; a1111Root?: string; comfyuiRoot?: string }): boolean;
  /** The counter for the linter's token rules, only with a real vocabulary (they skip estimates). */
  exactCounter(): PromptTokenCounter | undefined;
}

export function createChunker(): Chunker {
  let counter = new PromptTokenCounter(undefined);
  return {
    chunks(prompt, engine) {
      const capacity = engine === 'comfyui' ? 77 : CHUNK_LENGTH;
      const spans = counter.chunks(prompt, engine);
      return {
        chunks: spans.map((span) => ({ tokenCount: span.tokenCount, capacity, textStart: span.textStart, textEnd: span.textEnd })),
        approximate: counter.approximate,
      };
    },
    exactCounter: () => (counter.approximate ? undefined : counter),
    configure(options) {
      try {
        const found = discoverVocabulary({
          ...(options.vocab ? { explicitPath: options.vocab } : {}),
          ...(options.a1111Root ? { a1111Roots: [options.a1111Root] } : {}),
          ...(options.comfyuiRoot ? { comfyuiRoots: [options.comfyuiRoot] } : {}),
        });
        counter = new PromptTokenCounter(found.vocabulary ? new ClipTokenizer(found.vocabulary) : undefined);
      } catch {
        counter = new PromptTokenCounter(undefined);
      }
      return !counter.approximate;
    },
  };
}
