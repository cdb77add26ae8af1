/**
 * Ranges of a prompt text in its document. A prompt text is the document's prompt lines joined with
 * "\n" (comment lines removed, infotext lines trimmed), so text offsets and document offsets differ;
 * `sourceMap[i]` is the document offset of `text[i]`, and `sourceMap[text.length]` the end.
 */
import type { Range } from './ast.js';
import { SourceRange, type LineIndex } from './line-index.js';

export class TextMapper {
  constructor(
    readonly lines: LineIndex,
    readonly sourceMap: Int32Array,
  ) {}

  /** Document offset where text offset `index` starts. */
  offset(index: number): number {
    const map = this.sourceMap;
    return map[index < 0 ? 0 : index >= map.length ? map.length - 1 : index]!;
  }

  /** Document offset just after text offset `index - 1` (the end of a text range ending at index). */
  endOffset(start: number, end: number): number {
    if (end <= start) return this.offset(start);
    return this.offset(end - 1) + 1;
  }

  /** The document range of text offsets [start, end). */
  range(start: number, end: number): Range {
    const map = this.sourceMap;
    const last = map.length - 1;
    const from = map[start < 0 ? 0 : start > last ? last : start]!;
    let to = end <= start ? from : map[end - 1 > last ? last : end - 1]! + 1;
    if (to < from) to = from;
    return new SourceRange(this.lines, from, to);
  }
}

/**
 * A zeroed Int32Array of `length` entries for a source map. Each `new Int32Array` costs a malloc of its
 * own (about 1 µs, as much as parsing a short prompt), so maps are cut as views from shared 64 KB
 * chunks. A chunk lives as long as any view of it; the pool holds only the chunk being cut.
 */
export function allocateSourceMap(length: number): Int32Array {
  if (length > CHUNK_ENTRIES / 4) return new Int32Array(length);
  if (chunkUsed + length > chunk.length) {
    chunk = new Int32Array(CHUNK_ENTRIES);
    chunkUsed = 0;
  }
  const view = chunk.subarray(chunkUsed, chunkUsed + length);
  chunkUsed += length;
  return view;
}

const CHUNK_ENTRIES = 16384;
let chunk = new Int32Array(0);
let chunkUsed = 0;

/** The identity map for a text that is one contiguous slice of the document starting at `base`. */
export function contiguousSourceMap(base: number, length: number): Int32Array {
  const map = allocateSourceMap(length + 1);
  for (let i = 0; i <= length; i++) map[i] = base + i;
  return map;
}

/** The text offset whose document offset is `offset` (or the first after it). */
export function textIndexOf(sourceMap: ArrayLike<number>, offset: number): number {
  let low = 0;
  let high = sourceMap.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sourceMap[middle]! < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}
