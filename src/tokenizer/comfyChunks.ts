/**
 * ComfyUI's chunking (comfy/sd1_clip.py `SDTokenizer.tokenize_with_weights`, current version): the prompt
 * is split into weighted segments (src/semantics/comfyui.ts), each segment is split only before
 * ` embedding:` / `\nembedding:`, and each piece is tokenized whole as one group. Chunks hold 75 text
 * tokens (max_length 77 minus start and end). A group of 8 or more tokens (max_word_length) is split at the
 * boundary; a shorter group that does not fit closes the chunk and moves whole. No comma backtracking;
 * BREAK is plain text; `<lora:…>` is plain text (core ComfyUI does not parse it).
 *
 * `embedding:name` pieces are tokenized as text: sdprompt has no embedding files, and ComfyUI without
 * an embedding directory does the same. With the embedding present ComfyUI would instead insert one slot
 * per embedding vector (docs/tokenizer.md).
 */
import { comfyWeightedSegments } from '../semantics/comfyui.js';
import { targetTokenCount, type ChunkToken, type PromptChunk, type TokenSource } from './a1111Chunks.js';

/** sd1_clip.py SDTokenizer: max_length 77 with start and end token, max_word_length 8. */
const TEXT_TOKENS_PER_CHUNK = 75;
const MAX_WORD_LENGTH = 8;
const EMBEDDING_SEPARATOR = / embedding:|\nembedding:/g;

export interface ComfyChunking {
  chunks: PromptChunk[];
  /** Display count in A1111's convention: 75 per non-final chunk plus the final chunk's length. */
  tokenCount: number;
  target: number;
  approximate: boolean;
}

interface Piece {
  text: string;
  origins: number[];
}

/** `re.split(' embedding:|\nembedding:', text)` with `embedding:` put back on every piece after the first. */
function splitEmbeddings(text: string, origins: number[]): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  EMBEDDING_SEPARATOR.lastIndex = 0;
  let prefixStart = -1;
  for (let match = EMBEDDING_SEPARATOR.exec(text); match !== null; match = EMBEDDING_SEPARATOR.exec(text)) {
    pieces.push(piece(text, origins, prefixStart, last, match.index));
    prefixStart = match.index + 1;
    last = match.index + match[0].length;
  }
  pieces.push(piece(text, origins, prefixStart, last, text.length));
  return pieces.filter((p) => p.text !== '');
}

function piece(text: string, origins: number[], prefixStart: number, start: number, end: number): Piece {
  // The re-added "embedding:" is the separator's own text without its leading space or newline.
  const from = prefixStart >= 0 ? prefixStart : start;
  return { text: text.slice(from, end), origins: origins.slice(from, end) };
}

/** The token groups of a prompt, one per tokenized piece, each token with its weight. */
export function comfyTokenGroups(text: string, source: TokenSource): ChunkToken[][] {
  const groups: ChunkToken[][] = [];
  for (const segment of comfyWeightedSegments(text)) {
    for (const part of splitEmbeddings(segment.text, segment.origins)) {
      const encoded = source.encodeWithOffsets(part.text, part.origins);
      groups.push(
        encoded.ids.map((id, i) => ({ id, weight: segment.weight, start: encoded.starts[i]!, end: encoded.ends[i]! })),
      );
    }
  }
  return groups;
}

/** ComfyUI's batches for one prompt, text tokens only (no start, end or padding). */
export function chunkComfy(text: string, source: TokenSource): ComfyChunking {
  const chunks: PromptChunk[] = [{ tokens: [] }];
  let batch = chunks[0]!.tokens;
  for (const group of comfyTokenGroups(text, source)) {
    const isLarge = group.length >= MAX_WORD_LENGTH;
    let rest = group;
    while (rest.length > 0) {
      if (rest.length + batch.length > TEXT_TOKENS_PER_CHUNK) {
        if (isLarge) {
          const remaining = TEXT_TOKENS_PER_CHUNK - batch.length;
          batch.push(...rest.slice(0, remaining));
          rest = rest.slice(remaining);
        }
        batch = [];
        chunks.push({ tokens: batch });
      } else {
        batch.push(...rest);
        rest = [];
      }
    }
  }
  const last = chunks[chunks.length - 1]!.tokens.length;
  const tokenCount = (chunks.length - 1) * TEXT_TOKENS_PER_CHUNK + last;
  return { chunks, tokenCount, target: targetTokenCount(tokenCount), approximate: source.approximate };
}
