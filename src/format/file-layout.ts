/**
 * The file layer of the formatter: turns a parsed prompt file into a list of printed items (comment
 * lines, directive lines, parameter entries, prompt texts), in source order, with the blank lines
 * the canonical style puts between them (docs/formatting.md).
 *
 * Every non-blank line of the source must end up in exactly one item. When one does not (a line
 * the file grammar skipped), the layout refuses: the formatter never drops text it does not know.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { CommentNode, ParamBlockNode, PromptFile, PromptText } from '../grammar/ast.js';
import { LineIndex } from '../grammar/line-index.js';
import { fragmentsInsideTags, fragmentsThatReshape, usesAnyOf } from './as-written.js';
import { printPromptLines, type PrintContext } from './prompt-text.js';

export type ItemKind =
  /** `# …` on its own line. */
  | 'comment'
  /** `@prompt` and `@fragment`: start a new unit, with a blank line before them. */
  | 'unit-header'
  /** `@negative`, `@params`, `@controlnet`, …: a header inside or between units. */
  | 'header'
  /** `@include "…"`. */
  | 'include'
  /** `key: value` of a parameter block. */
  | 'entry'
  /** The lines of a prompt text, with the comments between them. */
  | 'text'
  /** The parameters line of an infotext block, kept as written. */
  | 'infotext-parameters';

export interface LayoutItem {
  kind: ItemKind;
  /** Source lines the item covers (0-based, inclusive). */
  startLine: number;
  endLine: number;
  lines: string[];
}

export interface FileLayout {
  items: LayoutItem[];
  /** `blankBefore[i]`: a blank line separates item i from item i - 1. */
  blankBefore: boolean[];
  lineIndex: LineIndex;
}

/** The text lines of a prompt text, with the document line of each. */
function textLineStarts(prompt: PromptText, lines: LineIndex): number[] {
  const result: number[] = [];
  let index = 0;
  for (const line of prompt.text.split('\n')) {
    result.push(lines.lineOf(prompt.sourceMap[index]!));
    index += line.length + 1;
  }
  return result;
}

/**
 * Prints a prompt text and puts back the comment lines that sat between its lines. Blank lines
 * inside the text are kept, but never two in a row; `firstLinePrefix` starts the first line
 * (`Negative prompt: ` in an infotext block).
 */
function textItem(
  prompt: PromptText,
  lines: LineIndex,
  commentsByLine: Map<number, CommentNode>,
  used: Set<number>,
  firstLinePrefix = '',
  context: PrintContext = {},
): LayoutItem | undefined {
  if (prompt.text.trim() === '' && firstLinePrefix === '') return undefined;
  const { lines: printed, blank } = printPromptLines(prompt, context);
  const documentLines = textLineStarts(prompt, lines);
  const out: string[] = [];
  /** Whether each line of `out` is a droppable blank line. */
  const outBlank: boolean[] = [];
  for (let k = 0; k < printed.length; k++) {
    if (k > 0) {
      for (let line = documentLines[k - 1]! + 1; line < documentLines[k]!; line++) {
        const comment = commentsByLine.get(line);
        if (!comment) continue;
        used.add(line);
        out.push(printComment(comment));
        outBlank.push(false);
      }
    }
    let text = printed[k]!;
    // `Negative prompt:` with nothing after it: no trailing space.
    if (k === 0 && firstLinePrefix !== '') text = text === '' ? firstLinePrefix.trimEnd() : `${firstLinePrefix}${text}`;
    const droppable = blank[k]! && text === '';
    // Never two blank lines in a row, none at the start.
    if (droppable && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(text);
    outBlank.push(droppable);
  }
  // None at the end either.
  while (outBlank.length > 0 && outBlank[outBlank.length - 1]) {
    out.pop();
    outBlank.pop();
  }
  return { kind: 'text', startLine: documentLines[0]!, endLine: documentLines[documentLines.length - 1]!, lines: out };
}

function printComment(comment: CommentNode): string {
  return `#${comment.text.replace(/[ \t\r]+$/, '')}`;
}

function printValue(raw: string): string {
  return raw.replace(/[ \t]+$/, '');
}

function blockItems(block: ParamBlockNode): LayoutItem[] {
  const line = block.directiveRange.start.line;
  const items: LayoutItem[] = [{ kind: 'header', startLine: line, endLine: line, lines: [`@${block.block}`] }];
  for (const entry of block.entries) {
    const text = entry.value ? `${entry.key}: ${printValue(entry.value.raw)}` : `${entry.key}:`;
    items.push({ kind: 'entry', startLine: entry.range.start.line, endLine: entry.range.start.line, lines: [text] });
  }
  return items;
}

/** The line of the `@negative` directive that introduces `negative`, looking up from its text. */
function negativeDirectiveLine(source: string, lines: LineIndex, negative: PromptText): number | undefined {
  const firstLine = lines.lineOf(negative.sourceMap[0]!);
  for (let line = firstLine; line >= 0; line--) {
    const start = lines.lineStarts[line]!;
    const content = source.slice(start, lines.lineEnd(line)).trimStart();
    if (content.startsWith('@negative')) return line;
    if (line !== firstLine && content !== '' && !content.startsWith('#')) return undefined;
  }
  return undefined;
}

function directiveLineAt(source: string, lines: LineIndex, line: number, directive: string): boolean {
  const start = lines.lineStarts[line]!;
  return source.slice(start, lines.lineEnd(line)).trimStart().startsWith(directive);
}

function unsupported(lines: LineIndex, line: number, message: string): Diagnostic {
  return {
    code: 'format/unsupported',
    severity: 'error',
    message,
    range: lines.range(lines.lineStarts[line]!, lines.lineEnd(line)),
  };
}

/** Every prompt text of a file. */
function allTexts(file: PromptFile): PromptText[] {
  const texts: PromptText[] = [];
  if (file.negative) texts.push(file.negative);
  for (const fragment of file.fragments) texts.push(fragment.text);
  for (const prompt of file.prompts) {
    texts.push(prompt.positive);
    if (prompt.negative) texts.push(prompt.negative);
  }
  return texts;
}

/** Builds the printed items of a file, or a diagnostic when some line would be lost. */
export function layoutFile(source: string, file: PromptFile, lineIndex?: LineIndex): FileLayout | { error: Diagnostic } {
  const lines = lineIndex ?? new LineIndex(source);
  const commentsByLine = new Map<number, CommentNode>();
  for (const comment of file.comments) commentsByLine.set(comment.range.start.line, comment);
  const usedComments = new Set<number>();
  const items: LayoutItem[] = [];
  const push = (item: LayoutItem | undefined): void => {
    if (item) items.push(item);
  };
  const negativeHeader = (negative: PromptText): void => {
    const line = negativeDirectiveLine(source, lines, negative);
    if (line !== undefined) items.push({ kind: 'header', startLine: line, endLine: line, lines: ['@negative'] });
  };

  const fragmentTexts = new Map(file.fragments.map((fragment) => [fragment.name, fragment.text]));
  const insideTags = fragmentsInsideTags(allTexts(file), fragmentTexts);
  const withAnd = fragmentsThatReshape(fragmentTexts);
  /** How to print a prompt text (not a fragment body) of this file. */
  const promptContext = (text: PromptText): PrintContext => ({ asWritten: usesAnyOf(text, withAnd) });

  for (const include of file.includes) {
    const line = include.range.start.line;
    items.push({ kind: 'include', startLine: line, endLine: line, lines: [`@include ${JSON.stringify(include.path)}`] });
  }
  if (file.form !== 'infotext') {
    for (const block of file.blocks) items.push(...blockItems(block));
  }
  if (file.negative) {
    negativeHeader(file.negative);
    push(textItem(file.negative, lines, commentsByLine, usedComments, '', promptContext(file.negative)));
  }
  for (const fragment of file.fragments) {
    const line = fragment.range.start.line;
    items.push({ kind: 'unit-header', startLine: line, endLine: line, lines: [`@fragment ${fragment.name}`] });
    const context = { fragmentBody: true, asWritten: insideTags.has(fragment.name) || usesAnyOf(fragment.text, withAnd) };
    push(textItem(fragment.text, lines, commentsByLine, usedComments, '', context));
  }
  for (const prompt of file.prompts) {
    const line = prompt.range.start.line;
    if (file.form === 'structured' && directiveLineAt(source, lines, line, '@prompt')) {
      const header = prompt.name === undefined ? '@prompt' : `@prompt ${prompt.name}`;
      items.push({ kind: 'unit-header', startLine: line, endLine: line, lines: [header] });
    }
    push(textItem(prompt.positive, lines, commentsByLine, usedComments, '', promptContext(prompt.positive)));
    if (prompt.negative) {
      if (file.form === 'infotext') {
        push(textItem(prompt.negative, lines, commentsByLine, usedComments, 'Negative prompt: ', promptContext(prompt.negative)));
      } else {
        negativeHeader(prompt.negative);
        push(textItem(prompt.negative, lines, commentsByLine, usedComments, '', promptContext(prompt.negative)));
      }
    }
    if (file.form !== 'infotext') for (const block of prompt.blocks) items.push(...blockItems(block));
  }
  if (file.form === 'infotext' && file.infotext && file.infotext.length > 0) {
    const first = file.infotext[0]!;
    const last = file.infotext[file.infotext.length - 1]!;
    const line = first.range.start.line;
    const start = lines.lineStarts[line]!;
    const text = source.slice(start, lines.lineEnd(last.range.end.line)).trim();
    items.push({ kind: 'infotext-parameters', startLine: line, endLine: last.range.end.line, lines: [text] });
  }
  for (const [line, comment] of commentsByLine) {
    if (!usedComments.has(line)) items.push({ kind: 'comment', startLine: line, endLine: line, lines: [printComment(comment)] });
  }
  items.sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);

  // Every non-blank source line belongs to one item, or the file is left alone.
  const covered = new Uint8Array(lines.lineCount);
  for (const item of items) for (let line = item.startLine; line <= item.endLine; line++) covered[line] = 1;
  for (let line = 0; line < lines.lineCount; line++) {
    if (covered[line]) continue;
    const content = source.slice(lines.lineStarts[line]!, lines.lineEnd(line));
    if (content.replace(/^\uFEFF/, '').trim() !== '') {
      return { error: unsupported(lines, line, 'The formatter does not know how to print this line, so it leaves the file unchanged.') };
    }
  }
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.startLine <= items[i - 1]!.endLine) {
      return { error: unsupported(lines, items[i]!.startLine, 'Two constructs share this line; the formatter leaves the file unchanged.') };
    }
  }
  return { items, blankBefore: blankLines(items), lineIndex: lines };
}

/**
 * Blank lines between items: one where the source had at least one, none right after a header,
 * and always one before `@prompt` and `@fragment` (before the comments written directly above them).
 */
function blankLines(items: LayoutItem[]): boolean[] {
  const sourceBlank = items.map((item, i) => i > 0 && item.startLine - items[i - 1]!.endLine > 1);
  const blank = items.map((item, i) => {
    if (i === 0) return false;
    const previous = items[i - 1]!;
    if (previous.kind === 'unit-header' || previous.kind === 'header') return false;
    return sourceBlank[i]!;
  });
  items.forEach((item, i) => {
    if (item.kind !== 'unit-header' || i === 0) return;
    let first = i;
    while (first > 0 && items[first - 1]!.kind === 'comment' && !sourceBlank[first]) first--;
    for (let k = first + 1; k <= i; k++) blank[k] = false;
    if (first > 0) blank[first] = true;
  });
  return blank;
}

/** Joins the items of a layout into text (lines end with "\n"; the caller picks the line ending). */
export function renderItems(items: LayoutItem[], blankBefore: boolean[], from = 0, to = items.length): string {
  let out = '';
  for (let i = from; i < to; i++) {
    if (i > from && blankBefore[i]) out += '\n';
    for (const line of items[i]!.lines) out += `${line}\n`;
  }
  return out;
}
