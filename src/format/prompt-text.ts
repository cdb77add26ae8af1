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
 */
import type { PromptNode, PromptText, ScheduleNode } from '../grammar/ast.js';
import { textIndexOf } from '../grammar/source-map.js';
import { firstClass, lastClass, mayJoin, type EdgeClass } from './clip-pieces.js';
import { ESCAPED_NETWORK, WEIGHT_ACROSS_TAG, hasTagAgainstKeyword, isFragile, mayFormTagAcrossFragments } from './as-written.js';
import { canonicalWeight } from './numbers.js';

interface LiteralPiece {
  kind: 'literal';
  text: string;
  /** CLIP class of the first and last visible character. */
  first: EdgeClass;
  last: EdgeClass;
  /** Brackets, weights and network tags: not text to CLIP, so neighbours are looked up past them. */
  transparent: boolean;
  /** AND, BREAK and AND weights: the whitespace next to them is only collapsed, never removed. */
  keyword: boolean;
  /** `(`/`[` of an emphasis: the whitespace right after it may go. */
  opener: boolean;
  /** `)`/`]` or `:w)` of an emphasis, or a comma: the whitespace right before it may go. */
  closer: boolean;
  comma: boolean;
  /** Ends with an unescaped `\\`, which takes the next character with it (lark's `\\.`). */
  escapesNext: boolean;
  /** `[`, `:`/`|` or `:when]`/`]` of a schedule or alternation, with where its group starts and ends. */
  role: 'open' | 'separator' | 'close' | null;
  group: GroupBounds | null;
}

/** Piece indices of the `[` and the closing piece of a schedule or alternation. */
interface GroupBounds {
  open: number;
  close: number;
}

/** What a caller may set on a literal piece; the classes are computed from the text when absent. */
type LiteralOptions = Partial<Omit<LiteralPiece, 'kind' | 'text'>>;

const NO_OPTIONS: LiteralOptions = {};

interface WhitespacePiece {
  kind: 'space';
  /** The whitespace as written; '' for the space the style wants after a comma. */
  raw: string;
  /** What the second pass decided. */
  out: string;
}

type Piece = LiteralPiece | WhitespacePiece;

/** Space, tab, CR, LF: the whitespace the printer rewrites (other spaces are printed as written). */
function isSpaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Number of line feeds in a whitespace run. */
function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** The prompt text the tree was read from, for the few pieces printed as written. */
interface PromptSource {
  text: string;
  sourceMap: Int32Array;
}

class PieceWriter {
  readonly pieces: Piece[] = [];

  constructor(readonly source: PromptSource) {}

  literal(text: string, options: LiteralOptions = NO_OPTIONS): void {
    // The style wants a space after every comma, except right before a closing bracket.
    const previous = this.pieces[this.pieces.length - 1];
    if (previous !== undefined && previous.kind === 'literal' && previous.comma && !(options.closer && !options.comma)) {
      this.pieces.push({ kind: 'space', raw: '', out: '' });
    }
    // Every piece gets every field, so that all pieces share one object shape (a hot path).
    this.pieces.push({
      kind: 'literal',
      text,
      first: options.first !== undefined ? options.first : firstClass(text),
      last: options.last !== undefined ? options.last : lastClass(text),
      transparent: options.transparent ?? false,
      keyword: options.keyword ?? false,
      opener: options.opener ?? false,
      closer: options.closer ?? false,
      comma: options.comma ?? false,
      escapesNext: options.escapesNext ?? false,
      role: options.role ?? null,
      group: options.group ?? null,
    });
  }

  /** A bracket, weight or tag: printed, but not something CLIP reads. */
  structural(text: string, options: LiteralOptions = NO_OPTIONS): void {
    this.literal(text, { transparent: true, ...options });
  }

  /**
   * A bracket or separator of a schedule or alternation. Which text sits on its other side changes
   * from step to step, so a neighbour looked up through it is unknown.
   */
  groupPiece(text: string, role: 'open' | 'separator' | 'close', group: GroupBounds): void {
    if (role === 'open') group.open = this.pieces.length;
    this.literal(text, { first: null, last: null, role, group });
    if (role === 'close') group.close = this.pieces.length - 1;
  }

  /**
   * Literal text as written. Whitespace inside the text that holds no line break and follows no
   * backslash can only ever become one space (nothing next to it is a bracket or a comma), so it is
   * collapsed here and the visible run stays one piece; the other runs are decided later.
   */
  text(raw: string): void {
    const length = raw.length;
    // The common case, `a house`: no whitespace at the ends, none to collapse inside.
    if (
      length > 0 &&
      !isSpaceCode(raw.charCodeAt(0)) &&
      !isSpaceCode(raw.charCodeAt(length - 1)) &&
      raw.indexOf('  ') === -1 &&
      !/[\t\r\n]/.test(raw)
    ) {
      this.visible(raw);
      return;
    }
    let index = 0;
    let visible = '';
    while (index < length) {
      const start = index;
      const space = isSpaceCode(raw.charCodeAt(index));
      let newline = false;
      while (index < length && isSpaceCode(raw.charCodeAt(index)) === space) {
        if (raw.charCodeAt(index) === 10) newline = true;
        index++;
      }
      if (!space) {
        visible += start === 0 && index === length ? raw : raw.slice(start, index);
        continue;
      }
      const interior = visible !== '' && index < length && !newline && !visible.endsWith('\\');
      if (interior) {
        visible += ' ';
        continue;
      }
      if (visible !== '') this.visible(visible);
      visible = '';
      this.pieces.push({ kind: 'space', raw: raw.slice(start, index), out: '' });
    }
    if (visible !== '') this.visible(visible);
  }

  private visible(run: string): void {
    // A trailing unescaped `\` escapes whatever follows it (lark's `\\.`): treat it as unknown so
    // that the whitespace after it is never removed.
    const trailingBackslashes = /\\+$/.exec(run)?.[0].length ?? 0;
    const escapesNext = trailingBackslashes % 2 === 1;
    const first = run.startsWith('\\') ? null : firstClass(run);
    this.literal(run, { first, last: escapesNext ? null : lastClass(run), escapesNext });
  }
}

/**
 * The `:when]` of a schedule exactly as written. Whether A1111 applies the schedule at all is
 * decided by its lark grammar for the whole prompt (a stray `|` elsewhere, or a `[` that lark
 * reads as a literal, and the brackets are plain text), so neither the number nor the
 * whitespace around it is touched: in plain text they would be visible.
 */
function scheduleTail(source: PromptSource, node: ScheduleNode): string {
  const { text, sourceMap } = source;
  const whenStart = textIndexOf(sourceMap, node.when.range.start.offset);
  const end = textIndexOf(sourceMap, node.range.end.offset);
  let colon = whenStart - 1;
  while (colon > 0 && text[colon] !== ':') colon--;
  const tail = text.slice(colon, end);
  // The tree and the text always agree here; the fallback only guards against a future change.
  return tail.startsWith(':') && tail.endsWith(']') ? tail : `:${node.when.raw}]`;
}

function writeNodes(writer: PieceWriter, nodes: readonly PromptNode[]): void {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    // `:1.AND`: the `.` is what makes AND a word of its own (`\bAND\b`); `:1AND` has no AND.
    if (node.kind === 'and-weight' && nodes[i + 1]?.kind === 'and' && !/\d$/.test(node.weight.raw)) {
      writer.structural(`:${node.weight.raw}`, { keyword: true });
      continue;
    }
    writeNode(writer, node);
  }
}

function writeNode(writer: PieceWriter, node: PromptNode): void {
  switch (node.kind) {
    case 'text':
      writer.text(node.raw);
      return;
    case 'comma':
      writer.literal(',', { comma: true, closer: true });
      return;
    case 'emphasis': {
      writer.structural(node.bracket === 'round' ? '(' : '[', { opener: true });
      writeNodes(writer, node.body);
      if (node.weight) {
        const weight = canonicalWeight(node.weight.raw, node.weight.value);
        writer.structural(`:${weight}${node.closed ? ')' : ''}`, { closer: true });
      } else if (node.closed) {
        writer.structural(node.bracket === 'round' ? ')' : ']', { closer: true });
      }
      return;
    }
    case 'schedule': {
      const group: GroupBounds = { open: -1, close: -1 };
      writer.groupPiece('[', 'open', group);
      if (node.from) {
        writeNodes(writer, node.from);
        writer.groupPiece(':', 'separator', group);
      }
      writeNodes(writer, node.to);
      writer.groupPiece(scheduleTail(writer.source, node), 'close', group);
      return;
    }
    case 'alternation': {
      const group: GroupBounds = { open: -1, close: -1 };
      writer.groupPiece('[', 'open', group);
      node.options.forEach((option, index) => {
        if (index > 0) writer.groupPiece('|', 'separator', group);
        writeNodes(writer, option);
      });
      writer.groupPiece(']', 'close', group);
      return;
    }
    // A1111 finds the keywords with `\b` (prompt_parser.py re_break, re_AND): a word character
    // brought next to one, even across brackets, would hide it. So they join with anything.
    case 'break':
      writer.literal('BREAK', { keyword: true, first: null, last: null });
      return;
    case 'and':
      writer.literal('AND', { keyword: true, first: null, last: null });
      return;
    case 'and-weight':
      writer.structural(`:${canonicalWeight(node.weight.raw, node.weight.value)}`, { keyword: true });
      return;
    case 'network': {
      const args = node.args.map((arg) => arg.raw).join(':');
      const text = `<${node.type}:${args}${node.closed ? '>' : ''}`;
      // A closed tag is stripped by A1111 (modules/extra_networks.py) before anything else reads
      // the prompt; an unterminated one stays as text.
      if (node.closed) writer.structural(text);
      else writer.literal(text);
      return;
    }
    case 'wildcard':
      writer.literal(`__${node.name}__`);
      return;
    case 'fragment-ref':
      // The fragment may end with a lone `\`, which escapes whatever follows: keep that as written.
      writer.literal(`\${${node.name}}`, { first: null, last: null, escapesNext: true });
      return;
    case 'error':
      // A stray closer: A1111 keeps it as text (prompt_parser.py parse_prompt_attention).
      writer.literal(node.raw, { first: null, last: null });
      return;
  }
}

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
function decideWhitespace(pieces: Piece[], edge: EdgeClass): void {
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
