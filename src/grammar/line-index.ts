/**
 * Offset → line/column conversion for one document, computed once per parse.
 *
 * Lines end at "\n", "\r\n" or a lone "\r", as the Language Server Protocol counts them, so that
 * ranges can go to an editor unchanged. Columns are UTF-16 code units (JavaScript string indices).
 */
import type { Position, Range } from './ast.js';

export class LineIndex {
  /** Offset of the first character of each line; lineStarts[0] is always 0. */
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    const length = text.length;
    if (text.indexOf('\r') === -1) {
      // Only "\n" breaks (the common case): indexOf finds them far faster than a loop over every char.
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    } else {
      for (let i = 0; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code === 10) starts.push(i + 1);
        else if (code === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line of the previous lookup: lookups mostly walk forward through the text. */
  private recentLine = 0;

  /** The line that holds `offset` (offsets past the end belong to the last line). */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    const recent = this.recentLine;
    if (starts[recent]! <= offset) {
      const next = starts[recent + 1];
      if (next === undefined || offset < next) return recent;
      const afterNext = starts[recent + 2];
      if (afterNext === undefined || offset < afterNext) return (this.recentLine = recent + 1);
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    this.recentLine = low;
    return low;
  }

  position(offset: number): Position {
    const clamped = offset < 0 ? 0 : offset > this.text.length ? this.text.length : offset;
    const line = this.lineOf(clamped);
    return { offset: clamped, line, column: clamped - this.lineStarts[line]! };
  }

  /** A range whose line/column positions are computed when read (see SourceRange). */
  range(start: number, end: number): Range {
    return new SourceRange(this, start, end);
  }

  /** Offset where line `line` ends, before its line break. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    if (next === undefined) return this.text.length;
    let end = next - 1;
    if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** Offset just past the line's end including its line break (for deleting whole lines). */
  lineEndWithBreak(line: number): number {
    const next = this.lineStarts[line + 1];
    return next === undefined ? this.text.length : next;
  }

  /** Offset of a 0-based line and column (clamped to the document), for editors that send positions. */
  offsetAt(line: number, column: number): number {
    if (line < 0) return 0;
    if (line >= this.lineStarts.length) return this.text.length;
    return Math.min(this.lineStarts[line]! + Math.max(0, column), this.lineEnd(line));
  }
}

/**
 * The range of a parsed node. A parse builds hundreds of thousands of ranges and most are never read,
 * so this one keeps two offsets and makes the `{offset, line, column}` positions only when `start` or
 * `end` is read (a new object each time, never to be mutated). Having no own enumerable data, it
 * serialises (JSON, `toJSON`) and compares (tests/support/setup.ts) as the plain `{start, end}` it stands for;
 * structured clone (worker messages) needs `plainRange` first.
 *
 * Why: plain ranges made three objects per node, and the garbage collector spent half of a large
 * file's parse copying them (bench/parse.mjs).
 */
export class SourceRange implements Range {
  readonly #lines: LineIndex;
  readonly #start: number;
  readonly #end: number;

  constructor(lines: LineIndex, start: number, end: number) {
    this.#lines = lines;
    this.#start = start;
    this.#end = end;
  }

  get start(): Position {
    return this.#lines.position(this.#start);
  }

  get end(): Position {
    return this.#lines.position(this.#end);
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }

  /** Document offsets [start, end) in the same document as `range`, when that is a SourceRange. */
  static within(range: Range, start: number, end: number): Range | undefined {
    return range instanceof SourceRange ? new SourceRange(range.#lines, start, end) : undefined;
  }

  /** From the start of `first` to the end of `last`, positions still computed only when read. */
  static span(first: Range, last: Range): Range {
    if (first instanceof SourceRange && last instanceof SourceRange && first.#lines === last.#lines) return new SourceRange(first.#lines, first.#start, last.#end);
    return { start: first.start, end: last.end };
  }
}

/** A plain-object copy of any range, for structured clone (postMessage) and deep comparison. */
export function plainRange(range: Range): Range {
  const { start, end } = range;
  return { start: { offset: start.offset, line: start.line, column: start.column }, end: { offset: end.offset, line: end.line, column: end.column } };
}
