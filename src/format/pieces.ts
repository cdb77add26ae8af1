/**
 * The first pass of the prompt-text printer (prompt-text.ts): the syntax tree as a flat list of output
 * pieces, literal pieces (text, commas, brackets, keywords) with the CLIP classes of their edges, and
 * the whitespace runs between them, which whitespace.ts then decides.
 */
import type { PromptNode, ScheduleNode } from '../grammar/ast.js';
import { textIndexOf } from '../grammar/source-map.js';
import { firstClass, lastClass, type EdgeClass } from './clip-pieces.js';
import { canonicalWeight } from './numbers.js';

export interface LiteralPiece {
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
export interface GroupBounds {
  open: number;
  close: number;
}

/** What a caller may set on a literal piece; the classes are computed from the text when absent. */
type LiteralOptions = Partial<Omit<LiteralPiece, 'kind' | 'text'>>;

const NO_OPTIONS: LiteralOptions = {};

export interface WhitespacePiece {
  kind: 'space';
  /** The whitespace as written; '' for the space the style wants after a comma. */
  raw: string;
  /** What the second pass decided. */
  out: string;
}

export type Piece = LiteralPiece | WhitespacePiece;

/** Space, tab, CR, LF: the whitespace the printer rewrites (other spaces are printed as written). */
function isSpaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Number of line feeds in a whitespace run. */
export function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** The prompt text the tree was read from, for the few pieces printed as written. */
export interface PromptSource {
  text: string;
  sourceMap: Int32Array;
}

export class PieceWriter {
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

export function writeNodes(writer: PieceWriter, nodes: readonly PromptNode[]): void {
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
