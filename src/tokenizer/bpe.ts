/**
 * Byte-pair encoding of one pre-tokenized piece (openai/CLIP clip/simple_tokenizer.py `bpe`): the piece's
 * UTF-8 bytes become byte-level symbols, `</w>` is attached to the last one, and the lowest-ranked adjacent
 * pair is merged (every occurrence, left to right) until no ranked pair is left. Everything runs on token
 * ids, and results are kept in a bounded least-recently-used cache (simple_tokenizer's is unbounded).
 */
import { END_OF_TEXT, START_OF_TEXT, type ClipVocabulary } from './vocabulary.js';

const DEFAULT_CACHE_SIZE = 10_000;
const utf8 = new TextEncoder();

export class BytePairEncoder {
  private readonly cache = new Map<string, readonly number[]>();

  constructor(
    readonly vocabulary: ClipVocabulary,
    private readonly cacheSize: number = DEFAULT_CACHE_SIZE,
  ) {}

  /** Token ids of one piece (a match of the pre-tokenizer regex). */
  encodePiece(piece: string): readonly number[] {
    const cached = this.cache.get(piece);
    if (cached !== undefined) {
      // Refresh its place in the insertion order, which is the LRU order.
      this.cache.delete(piece);
      this.cache.set(piece, cached);
      return cached;
    }
    const ids = this.merge(piece);
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(piece, ids);
    return ids;
  }

  private merge(piece: string): number[] {
    // simple_tokenizer.py pre-seeds its cache with the two special tokens.
    if (piece === '<|startoftext|>') return [START_OF_TEXT];
    if (piece === '<|endoftext|>') return [END_OF_TEXT];
    const { byteIds, byteEndIds, merges } = this.vocabulary;
    const bytes = asciiBytes(piece) ?? utf8.encode(piece);
    const count = bytes.length;
    if (count === 0) return [];
    let symbols: number[] = new Array(count);
    for (let i = 0; i < count - 1; i++) symbols[i] = byteIds[bytes[i]!]!;
    symbols[count - 1] = byteEndIds[bytes[count - 1]!]!;
    while (symbols.length > 1) {
      let bestRank = 0x7fffffff;
      let bestLeft = -1;
      let bestRight = -1;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = merges.rank(symbols[i]!, symbols[i + 1]!);
        if (rank >= 0 && rank < bestRank) {
          bestRank = rank;
          bestLeft = symbols[i]!;
          bestRight = symbols[i + 1]!;
        }
      }
      if (bestLeft < 0) break;
      const mergedId = merges.merged(bestLeft, bestRight);
      const next: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i < symbols.length - 1 && symbols[i] === bestLeft && symbols[i + 1] === bestRight) {
          next.push(mergedId);
          i++;
        } else {
          next.push(symbols[i]!);
        }
      }
      symbols = next;
    }
    return symbols;
  }
}

/** The bytes of an all-ASCII string without going through TextEncoder (the common case), else undefined. */
function asciiBytes(text: string): number[] | undefined {
  const bytes: number[] = new Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return undefined;
    bytes[i] = code;
  }
  return bytes;
}
