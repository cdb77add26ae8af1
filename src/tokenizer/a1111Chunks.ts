/**
 * A1111's chunking of one prompt line into 75-token chunks, ported from the rules of
 * modules/sd_hijack_clip.py `FrozenCLIPEmbedderWithCustomWordsBase.tokenize_line` (v1.10), and its token
 * counter (modules/ui.py `update_token_counter`: the maximum over AND parts and schedule steps).
 *
 * Textual-inversion embeddings are not looked up (sdprompt knows no embedding vectors): their names are
 * counted as the plain text A1111 would see if the embedding did not exist. docs/tokenizer.md says so.
 */
import type { A1111Conditioning, AttentionSegment } from '../semantics/model.js';
import type { EncodedText } from './tokenizer.js';
import { COMMA_TOKEN } from './vocabulary.js';

/** Anything that turns text (with source origins) into tokens: the real tokenizer or the estimate. */
export interface TokenSource {
  /** True when ids and counts are estimates (no vocabulary was found). */
  readonly approximate: boolean;
  encodeWithOffsets(text: string, origins?: readonly number[]): EncodedText;
}

/** One token of a chunk: its id, its emphasis multiplier, and the prompt-text span it came from. */
export interface ChunkToken {
  id: number;
  weight: number;
  start: number;
  end: number;
}

/** The text tokens of one chunk, without BOS, EOS and padding. */
export interface PromptChunk {
  tokens: ChunkToken[];
}

export interface A1111Chunking {
  chunks: PromptChunk[];
  /** What tokenize_line returns as token_count: 75 per non-final chunk, plus the final chunk's length. */
  tokenCount: number;
  /** get_target_prompt_token_count: ceil(max(n, 1) / 75) * 75. */
  target: number;
  approximate: boolean;
}

export interface A1111ChunkOptions {
  /** opts.comma_padding_backtrack (slider 0..74, default 20). 0 disables it. */
  commaPaddingBacktrack?: number;
}

/** A1111's chunk_length. */
export const CHUNK_LENGTH = 75;

export function targetTokenCount(tokenCount: number): number {
  return Math.ceil(Math.max(tokenCount, 1) / CHUNK_LENGTH) * CHUNK_LENGTH;
}

/**
 * Chunks one line given parse_prompt_attention's segments. Each segment is tokenized on its own, so BPE
 * never merges across an emphasis boundary; `{text: 'BREAK', weight: -1}` closes the chunk.
 */
export function chunkA1111(segments: readonly AttentionSegment[], source: TokenSource, options: A1111ChunkOptions = {}): A1111Chunking {
  const backtrack = options.commaPaddingBacktrack ?? 20;
  const chunks: PromptChunk[] = [];
  let chunk: ChunkToken[] = [];
  let tokenCount = 0;
  let lastComma = -1;

  const nextChunk = (isLast: boolean): void => {
    // Non-final chunks count as full even when BREAK or the comma backtrack left them short.
    tokenCount += isLast ? chunk.length : CHUNK_LENGTH;
    lastComma = -1;
    chunks.push({ tokens: chunk });
    chunk = [];
  };

  for (const segment of segments) {
    if (segment.text === 'BREAK' && segment.weight === -1) {
      nextChunk(false);
      continue;
    }
    const encoded = source.encodeWithOffsets(segment.text, segment.origins);
    for (let i = 0; i < encoded.ids.length; i++) {
      const id = encoded.ids[i]!;
      if (id === COMMA_TOKEN) {
        lastComma = chunk.length;
      } else if (
        backtrack !== 0 &&
        chunk.length === CHUNK_LENGTH &&
        lastComma !== -1 &&
        chunk.length - lastComma <= backtrack
      ) {
        // The tokens after the last comma move to the next chunk; the comma stays.
        const moved = chunk.slice(lastComma + 1);
        chunk = chunk.slice(0, lastComma + 1);
        nextChunk(false);
        chunk = moved;
      }
      // A comma that arrives on a full chunk starts the next one and is not remembered (nextChunk resets).
      if (chunk.length === CHUNK_LENGTH) nextChunk(false);
      chunk.push({ id, weight: segment.weight, start: encoded.starts[i]!, end: encoded.ends[i]! });
    }
  }
  if (chunk.length > 0 || chunks.length === 0) nextChunk(true);
  return { chunks, tokenCount, target: targetTokenCount(tokenCount), approximate: source.approximate };
}

/** The counter of one schedule step of one AND part. */
export interface A1111CountedText {
  subprompt: number;
  step: number;
  chunking: A1111Chunking;
}

export interface A1111TokenCount {
  /** The `n` of A1111's "n/target" display. */
  count: number;
  target: number;
  /** Every AND part at every distinct schedule step, in order. */
  texts: A1111CountedText[];
  /** The first AND part at its first step (what `chunks` in the jsonl contract shows). */
  first: A1111Chunking;
  approximate: boolean;
}

/**
 * modules/ui.py update_token_counter on a conditioned prompt: networks are already stripped and AND parts
 * and schedules expanded by the semantics stage; the counter is the largest tokenize_line count.
 */
export function countA1111(conditioning: A1111Conditioning, source: TokenSource, options: A1111ChunkOptions = {}): A1111TokenCount {
  const texts: A1111CountedText[] = [];
  const cache = new Map<string, A1111Chunking>();
  conditioning.subprompts.forEach((subprompt, index) => {
    for (const schedule of subprompt.schedules) {
      // Identical texts chunk identically, except for source offsets; keep the first one's.
      let chunking = cache.get(schedule.text);
      if (chunking === undefined) {
        chunking = chunkA1111(schedule.attention, source, options);
        cache.set(schedule.text, chunking);
      }
      texts.push({ subprompt: index, step: schedule.step, chunking });
    }
  });
  const empty = chunkA1111([], source, options);
  let best = texts[0]?.chunking ?? empty;
  for (const text of texts) if (text.chunking.tokenCount > best.tokenCount) best = text.chunking;
  return {
    count: best.tokenCount,
    target: best.target,
    texts,
    first: texts[0]?.chunking ?? empty,
    approximate: source.approximate,
  };
}
