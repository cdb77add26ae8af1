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
  /**
   * A bounded least-recently-used cache. A hit only stamps the entry with a use counter (reordering a
   * Map on every hit would halve the speed); when the cache is full, the tenth of the entries used least
   * recently is evicted at once.
   */
  private readonly cache = new Map<string, { ids: readonly number[]; used: number }>();
  private clock = 0;

  constructor(
    readonly vocabulary: ClipVocabulary,
    private readonly cacheSize: number = DEFAULT_CACHE_SIZE,
  ) {}

  /** Pieces currently cached (never more than the cache size). */
  get cachedPieces(): number {
    return this.cache.size;
  }

  isCached(piece: string): boolean {
    return this.cache.has(piece);
  }

  /** Token ids of one piece (a match of the pre-tokenizer regex). */
  encodePiece(piece: string): readonly number[] {
    const entry = this.cache.get(piece);
    if (entry !== undefined) {
      entry.used = ++this.clock;
      return entry.ids;
    }
    const ids = this.merge(piece);
    if (this.cache.size >= this.cacheSize) this.evictLeastRecentlyUsed();
    this.cache.set(piece, { ids, used: ++this.clock });
    return ids;
  }

  private evictLeastRecentlyUsed(): void {
    const stamps = Array.from(this.cache.values(), (entry) => entry.used).sort((a, b) => a - b);
    const threshold = stamps[Math.max(0, Math.ceil(this.cacheSize / 10) - 1)]!;
    for (const [piece, entry] of this.cache) if (entry.used <= threshold) this.cache.delete(piece);
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
