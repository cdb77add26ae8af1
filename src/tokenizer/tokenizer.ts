/**
 * The CLIP tokenizer: a front-end cleans the text (frontEnds.ts), the pre-tokenizer regex splits it into
 * pieces (openai/CLIP simple_tokenizer.py `self.pat`), and each piece goes through byte-level BPE (bpe.ts).
 * Ids never include BOS/EOS. Each token also carries the span of prompt text it came from.
 */
import { BytePairEncoder } from './bpe.js';
import { cleanText, type FrontEnd } from './frontEnds.js';
import { identityMapped, type MappedText } from './mappedText.js';
import type { ClipVocabulary } from './vocabulary.js';

/**
 * simple_tokenizer.py's pattern with `re.IGNORECASE`. `\s` is Python `regex`'s (no U+FEFF, with U+0085).
 * Every digit is a piece of its own; a run of punctuation or symbols is one piece.
 */
const PRE_TOKENIZER =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|(?:[^\s\p{L}\p{N}\u0085]|\ufeff)+/giu;

/** Token ids with, for each, the half-open span [start, end) of source text it came from. */
export interface EncodedText {
  ids: number[];
  starts: number[];
  ends: number[];
}

export interface TokenizerOptions {
  frontEnd?: FrontEnd;
  /** Entries of the per-piece BPE cache (least recently used are dropped). */
  cacheSize?: number;
}

export class ClipTokenizer {
  readonly frontEnd: FrontEnd;
  /** Real ids from a real vocabulary (the estimate in estimate.ts sets this to true). */
  readonly approximate = false;
  private readonly encoder: BytePairEncoder;
  /** UTF-8 bytes each token stands for (its byte-level characters, without `</w>`). */
  private readonly byteLengths: Int32Array;

  constructor(
    readonly vocabulary: ClipVocabulary,
    options: TokenizerOptions = {},
  ) {
    this.frontEnd = options.frontEnd ?? 'a1111';
    this.encoder = new BytePairEncoder(vocabulary, options.cacheSize);
    this.byteLengths = new Int32Array(vocabulary.tokens.length);
    vocabulary.tokens.forEach((token, id) => {
      this.byteLengths[id] = token.endsWith('</w>') ? token.length - 4 : token.length;
    });
  }

  /** Token ids of `text` (no BOS/EOS). */
  encode(text: string, frontEnd: FrontEnd = this.frontEnd): number[] {
    const cleaned = cleanText(identityMapped(text), frontEnd).text;
    const ids: number[] = [];
    PRE_TOKENIZER.lastIndex = 0;
    for (let match = PRE_TOKENIZER.exec(cleaned); match !== null; match = PRE_TOKENIZER.exec(cleaned)) {
      for (const id of this.encoder.encodePiece(match[0])) ids.push(id);
    }
    return ids;
  }

  /**
   * Token ids with source spans. `origins[i]` is the source offset of `text[i]` (default: `i`); entries of
   * -1 (text with no source, as in A1111's attention segments) borrow the nearest known offset.
   */
  encodeWithOffsets(text: string, origins?: readonly number[], frontEnd: FrontEnd = this.frontEnd): EncodedText {
    const cleaned = cleanText(identityMapped(text, origins), frontEnd);
    const result: EncodedText = { ids: [], starts: [], ends: [] };
    const source = cleaned.text;
    PRE_TOKENIZER.lastIndex = 0;
    for (let match = PRE_TOKENIZER.exec(source); match !== null; match = PRE_TOKENIZER.exec(source)) {
      const piece = match[0];
      const ids = this.encoder.encodePiece(piece);
      if (ids.length === 1) {
        pushToken(result, ids[0]!, cleaned, match.index, match.index + piece.length);
        continue;
      }
      // Walk the piece's characters by UTF-8 length while consuming each token's bytes, so every token
      // gets the characters its bytes came from (a token may end inside a multi-byte character).
      let unit = 0;
      let consumed = 0;
      for (const id of ids) {
        const startUnit = unit;
        let remaining = this.byteLengths[id]!;
        let lastUnit = unit;
        while (remaining > 0 && unit < piece.length) {
          const code = piece.codePointAt(unit)!;
          const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
          lastUnit = unit;
          const left = bytes - consumed;
          if (remaining >= left) {
            remaining -= left;
            consumed = 0;
            unit += code > 0xffff ? 2 : 1;
          } else {
            consumed += remaining;
            remaining = 0;
          }
        }
        const end = lastUnit + (isHighSurrogate(piece.charCodeAt(lastUnit)) ? 2 : 1);
        pushToken(result, id, cleaned, match.index + startUnit, match.index + end);
      }
    }
    return result;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function pushToken(result: EncodedText, id: number, text: MappedText, from: number, to: number): void {
  result.ids.push(id);
  result.starts.push(knownOrigin(text.origins, from, 1));
  result.ends.push(knownOrigin(text.origins, to - 1, -1) + 1);
}

/** The origin at `index`, or the nearest known one walking in `direction` (then the other way). */
function knownOrigin(origins: readonly number[], index: number, direction: 1 | -1): number {
  for (let i = index; i >= 0 && i < origins.length; i += direction) if (origins[i]! >= 0) return origins[i]!;
  for (let i = index; i >= 0 && i < origins.length; i -= direction) if (origins[i]! >= 0) return origins[i]!;
  return 0;
}
