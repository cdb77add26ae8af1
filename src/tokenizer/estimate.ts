/**
 * The fallback when no CLIP vocabulary is on disk: a token estimate from the same pre-tokenizer pieces.
 * Every result built from it carries `approximate: true`, and the CLI prints counts with a `~`, so a
 * guessed count is never shown as exact.
 *
 * Heuristics (from CLIP's vocabulary shape): a lower-case ASCII word of up to 7 letters is usually one
 * token, longer words about one token per 4 letters; a digit is one token; `,` is the comma token (so the
 * A1111 comma backtrack still works); other punctuation runs about one token per 2 characters; non-ASCII
 * letters about one token per 2 UTF-8 bytes.
 */
import type { TokenSource } from './a1111Chunks.js';
import type { EncodedText } from './tokenizer.js';
import { COMMA_TOKEN } from './vocabulary.js';

const PIECE = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;
/** Placeholder id for an estimated token that is not a comma. */
export const ESTIMATED_TOKEN = -1;

function estimatePiece(piece: string): number {
  if (piece === ',') return 1;
  if (/^[a-z]+$/i.test(piece)) return piece.length <= 7 ? 1 : Math.ceil(piece.length / 4);
  if (/^\p{L}+$/u.test(piece)) return Math.max(1, Math.ceil(Buffer.byteLength(piece, 'utf8') / 2));
  if (piece.length === 1 || piece.startsWith('<|') || piece.startsWith("'")) return 1;
  return Math.ceil(piece.length / 2);
}

export class TokenEstimate implements TokenSource {
  readonly approximate = true;

  encodeWithOffsets(text: string, origins?: readonly number[]): EncodedText {
    const result: EncodedText = { ids: [], starts: [], ends: [] };
    const lowered = text.toLowerCase();
    const at = (i: number): number => (origins === undefined ? i : Math.max(origins[i] ?? 0, 0));
    PIECE.lastIndex = 0;
    for (let match = PIECE.exec(lowered); match !== null; match = PIECE.exec(lowered)) {
      const count = estimatePiece(match[0]);
      const start = at(match.index);
      const end = at(match.index + match[0].length - 1) + 1;
      for (let i = 0; i < count; i++) {
        result.ids.push(match[0] === ',' ? COMMA_TOKEN : ESTIMATED_TOKEN);
        result.starts.push(start);
        result.ends.push(end);
      }
    }
    return result;
  }

  encode(text: string): number[] {
    return this.encodeWithOffsets(text).ids;
  }
}
