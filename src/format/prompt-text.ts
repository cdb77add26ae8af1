/**
 * Prints one A1111 prompt text (the `PromptText` layer of the AST) in the canonical style of
 * docs/formatting.md.
 *
 * The printer first turns the syntax tree into a flat list of output pieces: literal pieces
 * (text, commas, brackets, keywords) and whitespace runs. A second pass then decides, run by run,
 * what each whitespace becomes. Every decision keeps A1111's meaning:
 *  - a run of spaces and tabs becomes one space: whitespace stays whitespace, so neither the
 *    attention segments of parse_prompt_attention nor CLIP's pieces change;
 *  - a run holding line breaks keeps its line breaks (comments are re-inserted by line) and loses
 *    its spaces;
 *  - whitespace is removed (inside brackets, before a comma, at the ends) or a space is added
 *    (after a comma) only where CLIP would not join the characters on both sides (clip-pieces.ts),
 *    looking through brackets and extra-network tags, which A1111 strips or turns into weights.
 * Weights are respelled by numbers.ts; schedule steps, extra-network tags, wildcards and
 * `${fragment}` references are printed as written (A1111 passes network arguments on as raw
 * strings, and a schedule that lark rejects is plain text).
 *
 * The two passes live in pieces.ts (tree → pieces) and whitespace.ts (what each run becomes).
 */
import type { PromptText } from '../grammar/ast.js';
import { ESCAPED_NETWORK, WEIGHT_ACROSS_TAG, hasTagAgainstKeyword, isFragile, mayFormTagAcrossFragments } from './as-written.js';
import { PieceWriter, writeNodes } from './pieces.js';
import { decideWhitespace } from './whitespace.js';

export interface PrintContext {
  /** The text is the body of a `@fragment`: its ends touch whatever surrounds `${name}`. */
  fragmentBody?: boolean;
  /** Print the text as written (a fragment pasted inside an extra-network tag: see file-layout.ts). */
  asWritten?: boolean;
}

/** A printed prompt text, line by line. */
export interface PrintedPromptText {
  /** As many lines as `prompt.text` has, so that comment lines can be put back by line. */
  lines: string[];
  /**
   * `blank[k]`: line k is empty and lies inside whitespace, so it may be dropped. An empty line
   * inside an extra-network tag (`<lora:…` may span lines) is not blank: it is part of the tag.
   */
  blank: boolean[];
}

/**
 * The canonical text of a prompt text. Fragile text (see isFragile) is left exactly as written.
 */
export function printPromptLines(prompt: PromptText, context: PrintContext = {}): PrintedPromptText {
  const asWritten =
    context.asWritten === true ||
    isFragile(prompt.body) ||
    hasTagAgainstKeyword(prompt.body) ||
    (prompt.text.includes('\\<') && ESCAPED_NETWORK.test(prompt.text)) ||
    (prompt.text.includes('>') && WEIGHT_ACROSS_TAG.test(prompt.text)) ||
    mayFormTagAcrossFragments(prompt, context.fragmentBody === true);
  if (asWritten) {
    // As written; only empty lines at the very start or end (whitespace of the whole text) may go.
    const lines = prompt.text.split('\n');
    const first = lines.findIndex((line) => line !== '');
    const last = lines.findLastIndex((line) => line !== '');
    return { lines, blank: lines.map((line, k) => line === '' && (first === -1 || k < first || k > last)) };
  }
  const writer = new PieceWriter(prompt);
  writeNodes(writer, prompt.body);
  const pieces = writer.pieces;
  decideWhitespace(pieces, context.fragmentBody ? null : 'EDGE');
  const lines: string[] = [''];
  // Whether the line break before each line is whitespace (not inside a tag); line 0 has none.
  const breakIsSpace: boolean[] = [true];
  for (const piece of pieces) {
    const text = piece.kind === 'space' ? piece.out! : piece.text;
    if (text.indexOf('\n') === -1) {
      lines[lines.length - 1] += text;
      continue;
    }
    const parts = text.split('\n');
    lines[lines.length - 1] += parts[0]!;
    for (let i = 1; i < parts.length; i++) {
      lines.push(parts[i]!);
      breakIsSpace.push(piece.kind === 'space');
    }
  }
  return { lines, blank: lines.map((line, k) => line === '' && breakIsSpace[k]!) };
}

/** The canonical text of a prompt text (lines joined with "\n"). */
export function printPromptText(prompt: PromptText, context: PrintContext = {}): string {
  return printPromptLines(prompt, context).lines.join('\n');
}
