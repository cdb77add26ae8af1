/**
 * The second pass of the prompt-text printer (prompt-text.ts): what each whitespace run between the
 * pieces of pieces.ts becomes. A run is removed or a space added only where CLIP would not join the
 * characters on both sides, in every reading A1111 may give the brackets around it (docs/formatting.md).
 */
import { mayJoin, type EdgeClass } from './clip-pieces.js';
import { countNewlines, type GroupBounds, type LiteralPiece, type Piece, type WhitespacePiece } from './pieces.js';

/** The class of the nearest visible character left of piece `index` (pieces decided so far). */
function leftClass(pieces: readonly Piece[], index: number, edge: EdgeClass): EdgeClass {
  for (let i = index - 1; i >= 0; i--) {
    const piece = pieces[i]!;
    if (piece.kind === 'space') {
      if (piece.out !== '') return 'WS';
      continue;
    }
    if (!piece.transparent) return piece.last;
  }
  return edge;
}

/** The class of the nearest visible character right of piece `index`, assuming undecided runs go. */
function rightClass(pieces: readonly Piece[], index: number, edge: EdgeClass): EdgeClass {
  for (let i = index + 1; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.kind === 'space') {
      if (certainlyStays(pieces, i)) return 'WS';
      continue;
    }
    if (!piece.transparent) return piece.first;
  }
  return edge;
}

function isLiteral(piece: Piece | undefined): piece is LiteralPiece {
  return piece !== undefined && piece.kind === 'literal';
}

/**
 * True when the whitespace run at `index` (not decided yet) will be kept whatever its neighbours:
 * it holds a line break, follows a lone backslash or touches a keyword, or it is a plain run
 * between two pieces next to which nothing is ever removed. Must agree with decideWhitespace.
 */
function certainlyStays(pieces: readonly Piece[], index: number): boolean {
  const piece = pieces[index] as WhitespacePiece;
  if (piece.raw === '' || index === 0 || index === pieces.length - 1) return false;
  const before = pieces[index - 1]!;
  const after = pieces[index + 1]!;
  if (piece.raw.includes('\n')) return true;
  if (isLiteral(before) && (before.escapesNext || before.keyword)) return true;
  if (isLiteral(after) && after.keyword) return true;
  if (isLiteral(before) && (before.opener || before.role === 'open' || before.role === 'separator')) return false;
  if (isLiteral(after) && (after.closer || after.role === 'separator' || after.role === 'close')) return false;
  return true;
}

/** The class of the first visible character from piece `from` on, before piece `stop`; undefined if none. */
function firstVisible(pieces: readonly Piece[], from: number, stop: number): EdgeClass | undefined {
  for (let i = from; i < stop; i++) {
    const piece = pieces[i]!;
    if (piece.kind === 'literal' && !piece.transparent) return piece.first;
  }
  return undefined;
}

/** The class of the last visible character before piece `from`, after piece `stop`; undefined if none. */
function lastVisible(pieces: readonly Piece[], from: number, stop: number): EdgeClass | undefined {
  for (let i = from - 1; i > stop; i--) {
    const piece = pieces[i]!;
    if (piece.kind === 'space' && piece.out !== '') return 'WS';
    if (piece.kind === 'literal' && !piece.transparent) return piece.last;
  }
  return undefined;
}

/**
 * The space at the start of an option of `[a|b]` or of a schedule text `[a:b:5]`. When A1111
 * schedules, the option stands where the brackets stood, after the text before `[`; when lark
 * rejects the prompt, the brackets are plain text and the option follows the `[` (an attention
 * bracket, so the text before it) or the `:`/`|` (punctuation). The space goes only when no
 * reading would join the option's first character to what precedes it.
 */
function optionStartMayGo(pieces: readonly Piece[], index: number, before: LiteralPiece, edge: EdgeClass): boolean {
  const group = before.group!;
  const stop = nextGroupPiece(pieces, index, group);
  const first = firstVisible(pieces, index + 1, stop);
  if (first === undefined) return false;
  if (mayJoin(leftClass(pieces, group.open, edge), first)) return false;
  return before.role === 'open' || !mayJoin('P', first);
}

/** The space at the end of an option: its last character meets what follows `]`, or the `:`/`|`. */
function optionEndMayGo(pieces: readonly Piece[], index: number, after: LiteralPiece, edge: EdgeClass): boolean {
  const group = after.group!;
  const last = lastVisible(pieces, index, previousGroupPiece(pieces, index, group));
  if (last === undefined) return false;
  if (mayJoin(last, rightClass(pieces, group.close, edge))) return false;
  return !mayJoin(last, 'P');
}

/** Index of the next separator or closer of `group` after `index`. */
function nextGroupPiece(pieces: readonly Piece[], index: number, group: GroupBounds): number {
  for (let i = index + 1; i <= group.close; i++) {
    const piece = pieces[i]!;
    if (piece.kind === 'literal' && piece.group === group && piece.role !== 'open') return i;
  }
  return group.close;
}

/** Index of the `[` or separator of `group` before `index`. */
function previousGroupPiece(pieces: readonly Piece[], index: number, group: GroupBounds): number {
  for (let i = index - 1; i >= group.open; i--) {
    const piece = pieces[i]!;
    if (piece.kind === 'literal' && piece.group === group && piece.role !== 'close') return i;
  }
  return group.open;
}

/**
 * Decides every whitespace run. `edge` is what lies beyond the ends of the text: nothing for a
 * prompt ('EDGE'), but unknown (null) for a fragment body, which is pasted between other text
 * wherever `${name}` is written (src/semantics/fragments.ts), so its outer whitespace stays.
 */
export function decideWhitespace(pieces: Piece[], edge: EdgeClass): void {
  const lastIndex = pieces.length - 1;
  for (let index = 0; index <= lastIndex; index++) {
    const piece = pieces[index]!;
    if (piece.kind !== 'space') continue;
    decideRun(pieces, index, edge);
    if (piece.out === '' && piece.raw !== '' && wouldOpenTag(pieces, index)) piece.out = ' ';
  }
}

/**
 * True when removing the run would write `<name:` (A1111's `<(\w+):`), which starts an
 * extra-network tag that swallows everything up to the next `>` (modules/extra_networks.py).
 */
function wouldOpenTag(pieces: readonly Piece[], index: number): boolean {
  const before = pieces[index - 1];
  const after = pieces[index + 1];
  return before !== undefined && after !== undefined && after.kind === 'literal' && after.text.startsWith(':') &&
    before.kind === 'literal' && /<[\p{L}\p{N}_]+$/u.test(before.text);
}

/** Decides the whitespace run at `index` (see decideWhitespace). */
function decideRun(pieces: Piece[], index: number, edge: EdgeClass): void {
  const lastIndex = pieces.length - 1;
  const piece = pieces[index] as WhitespacePiece;
  const before = pieces[index - 1];
  const after = pieces[index + 1];
  if (isLiteral(before) && before.escapesNext) {
    // `\ ` is an escaped space to A1111's schedule grammar, and `\` before a line break makes it
    // reject the prompt: whitespace after a lone backslash stays exactly as written.
    piece.out = piece.raw;
    return;
  }
  const newlines = countNewlines(piece.raw);
  if (newlines > 0) {
    piece.out = '\n'.repeat(newlines);
    return;
  }
  if (index === 0 || index === lastIndex) {
    piece.out = edge === 'EDGE' || piece.raw === '' ? '' : ' ';
    return;
  }
  if ((isLiteral(before) && before.keyword) || (isLiteral(after) && after.keyword)) {
    piece.out = piece.raw === '' ? '' : ' ';
    return;
  }
  // At the edges of an option the style wants no space: one is never added there.
  if (isLiteral(before) && (before.role === 'open' || before.role === 'separator')) {
    piece.out = piece.raw === '' || optionStartMayGo(pieces, index, before, edge) ? '' : ' ';
    return;
  }
  if (isLiteral(after) && (after.role === 'separator' || after.role === 'close')) {
    piece.out = piece.raw === '' || optionEndMayGo(pieces, index, after, edge) ? '' : ' ';
    return;
  }
  const joins = mayJoin(leftClass(pieces, index, edge), rightClass(pieces, index, edge));
  if (piece.raw === '') {
    piece.out = joins ? '' : ' ';
    return;
  }
  const removable = (isLiteral(before) && before.opener) || (isLiteral(after) && after.closer);
  piece.out = removable && !joins ? '' : ' ';
}
