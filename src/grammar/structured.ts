/**
 * The structured form of a `.sdprompt` file: directive lines (`@prompt`, `@negative`, `@fragment`,
 * `@include`, `@params`, `@controlnet`, `@img2img`, `@inpaint`, `@hires`) open sections; the lines after
 * a directive belong to it up to the next directive. See docs/language.md for the grammar.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type {
  FragmentNode,
  IncludeNode,
  ParamBlockKind,
  ParamBlockNode,
  PromptDefNode,
  PromptFile,
  PromptText,
  Range,
} from './ast.js';
import { closestName } from './did-you-mean.js';
import {
  commentNode,
  contentEnd,
  paramEntry,
  promptTextFromPieces,
  trimmedPieces,
  valueNode,
  type SourceLine,
} from './file-lines.js';
import { SourceRange, type LineIndex } from './line-index.js';
import { allocateSourceMap } from './source-map.js';
import { isNameChar } from './prompt-lexer.js';

export const DIRECTIVES = [
  'prompt',
  'negative',
  'fragment',
  'include',
  'params',
  'controlnet',
  'img2img',
  'inpaint',
  'hires',
] as const;

export type DirectiveName = (typeof DIRECTIVES)[number];

const BLOCK_DIRECTIVES: ReadonlySet<string> = new Set<ParamBlockKind>(['params', 'controlnet', 'img2img', 'inpaint', 'hires']);

/** The section that text lines currently belong to. */
type Section =
  | { kind: 'none' }
  | { kind: 'text'; lines: SourceLine[]; emptyAt: number; done: (text: PromptText) => void }
  | { kind: 'block'; block: ParamBlockNode }
  | { kind: 'skip' };

export class StructuredReader {
  private section: Section = { kind: 'none' };
  private prompt: PromptDefNode | undefined;
  /** Document offsets the current prompt's range spans (kept as numbers: ranges compute positions when read). */
  private promptStart = 0;
  private promptEnd = 0;
  private readonly promptNames = new Map<string, Range>();
  private readonly fragmentNames = new Map<string, Range>();

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
    private readonly file: PromptFile,
    private readonly diagnostics: Diagnostic[],
  ) {}

  read(sourceLines: SourceLine[]): void {
    for (const line of sourceLines) {
      if (line.kind === 'comment') this.file.comments.push(commentNode(this.text, line, this.lines));
      else if (line.kind === 'directive') this.directive(line);
      else this.content(line);
    }
    this.closeSection();
  }

  private report(code: string, severity: Diagnostic['severity'], message: string, range: Range, extra?: Partial<Diagnostic>): void {
    this.diagnostics.push({ code, severity, message, range, ...extra });
  }

  private closeSection(): void {
    const section = this.section;
    if (section.kind === 'text') {
      section.done(promptTextFromPieces(this.text, trimmedPieces(section.lines), this.lines, section.emptyAt, this.diagnostics));
    } else if (section.kind === 'block' && section.block.entries.length > 0) {
      const last = section.block.entries[section.block.entries.length - 1]!;
      section.block.range = SourceRange.span(section.block.range, last.range);
    }
    this.section = { kind: 'none' };
  }

  /** Extends the current prompt's range to cover `end`. */
  private extendPrompt(end: number): void {
    if (this.prompt && end > this.promptEnd) {
      this.promptEnd = end;
      this.prompt.range = this.lines.range(this.promptStart, end);
    }
  }

  private content(line: SourceLine): void {
    const section = this.section;
    if (section.kind === 'text') {
      section.lines.push(line);
      if (line.kind !== 'blank' && section.lines !== undefined) this.extendPrompt(line.end);
      return;
    }
    if (line.kind === 'blank' || section.kind === 'skip') return;
    if (section.kind === 'block') {
      const entry = paramEntry(this.text, line, this.lines, this.diagnostics);
      if (entry) {
        section.block.entries.push(entry);
        this.extendPrompt(entry.range.end.offset);
      } else {
        this.report(
          'syntax/bad-param-line',
          'error',
          `Expected 'key: value' in this @${section.block.block} block. Prompt text goes after a @prompt line.`,
          this.lines.range(line.contentStart, contentEnd(this.text, line)),
        );
      }
      return;
    }
    // Text before any directive, or after @include: it starts an unnamed prompt, as if `@prompt`
    // stood above it; later @negative and parameter blocks then belong to that prompt.
    this.startPrompt(undefined, undefined, line.start, line.start);
    (this.section as { lines: SourceLine[] }).lines.push(line);
    this.extendPrompt(line.end);
  }

  private startPrompt(name: string | undefined, nameRange: Range | undefined, start: number, emptyAt: number): void {
    const empty = this.lines.range(emptyAt, emptyAt);
    const prompt: PromptDefNode = {
      kind: 'prompt',
      range: this.lines.range(start, emptyAt),
      positive: { kind: 'prompt-text', range: empty, body: [], text: '', sourceMap: singleOffset(emptyAt) },
      blocks: [],
    };
    if (name !== undefined) prompt.name = name;
    if (nameRange) prompt.nameRange = nameRange;
    this.file.prompts.push(prompt);
    this.prompt = prompt;
    this.promptStart = start;
    this.promptEnd = emptyAt;
    this.section = { kind: 'text', lines: [], emptyAt, done: (text) => (prompt.positive = text) };
  }

  /** Reads `NAME` after a directive; reports characters a name cannot hold. */
  private name(start: number, end: number, what: string): { name: string; range: Range } | undefined {
    if (start >= end) return undefined;
    let cursor = start;
    while (cursor < end && isNameChar(this.text, cursor)) cursor++;
    const range = this.lines.range(start, end);
    if (cursor < end) {
      this.report(
        'syntax/bad-name',
        'error',
        `A ${what} name may use letters, digits, '_', '-' and '.' only; '${this.text.slice(start, end)}' does not fit.`,
        range,
      );
    }
    return { name: this.text.slice(start, end), range };
  }

  private duplicate(names: Map<string, Range>, name: string, range: Range, what: string): void {
    const first = names.get(name);
    if (first) {
      this.report('syntax/duplicate-name', 'error', `The ${what} '${name}' is already defined on line ${first.start.line + 1}. Rename one of them.`, range);
    } else names.set(name, range);
  }

  private directive(line: SourceLine): void {
    this.closeSection();
    const text = this.text;
    const at = line.contentStart;
    let cursor = at + 1;
    while (cursor < line.end && /[A-Za-z0-9_-]/.test(text[cursor]!)) cursor++;
    const word = text.slice(at + 1, cursor);
    const directiveRange = this.lines.range(at, cursor);
    let argumentStart = cursor;
    while (argumentStart < line.end && /\s/.test(text[argumentStart]!)) argumentStart++;
    const argumentEnd = contentEnd(text, line);
    const hasArgument = argumentStart < argumentEnd;
    if (!(DIRECTIVES as readonly string[]).includes(word)) {
      const guess = closestName(word, DIRECTIVES);
      const message = word === '' ? "'@' must be followed by a directive name" : `Unknown directive '@${word}'`;
      this.report(
        'syntax/unknown-directive',
        'error',
        `${message}${guess ? `: did you mean '@${guess}'?` : ''}. A prompt line that starts with '@' is written '\\@'.`,
        directiveRange,
        guess ? { suggestions: [{ title: `Change to '@${guess}'`, edits: [{ start: at + 1, end: cursor, newText: guess }] }] } : {},
      );
      this.section = { kind: 'skip' };
      return;
    }
    const name = word as DirectiveName;
    const noArgument = (): void => {
      if (!hasArgument) return;
      this.report(
        'syntax/directive-argument',
        'error',
        `@${name} takes nothing on its line; put the text on the next line.`,
        this.lines.range(argumentStart, argumentEnd),
        { fix: { title: 'Move to the next line', edits: [{ start: cursor, end: argumentStart, newText: '\n' }] } },
      );
    };
    if (name === 'prompt') {
      const parsed = hasArgument ? this.name(argumentStart, argumentEnd, 'prompt') : undefined;
      if (parsed) this.duplicate(this.promptNames, parsed.name, parsed.range, 'prompt');
      this.startPrompt(parsed?.name, parsed?.range, at, argumentEnd);
    } else if (name === 'negative') {
      noArgument();
      this.negative(line, directiveRange, argumentEnd);
    } else if (name === 'fragment') {
      this.fragment(line, directiveRange, argumentStart, argumentEnd);
    } else if (name === 'include') {
      this.include(line, directiveRange, argumentStart, argumentEnd);
    } else if (BLOCK_DIRECTIVES.has(name)) {
      noArgument();
      const block: ParamBlockNode = {
        kind: 'param-block',
        block: name as ParamBlockKind,
        range: this.lines.range(at, argumentEnd),
        directiveRange,
        entries: [],
      };
      (this.prompt ? this.prompt.blocks : this.file.blocks).push(block);
      this.extendPrompt(argumentEnd);
      this.section = { kind: 'block', block };
    }
  }

  private negative(line: SourceLine, directiveRange: Range, emptyAt: number): void {
    const owner = this.prompt;
    const existing = owner ? owner.negative : this.file.negative;
    if (existing) {
      this.report(
        'syntax/duplicate-negative',
        'error',
        `${owner ? 'This prompt' : 'The file'} already has a @negative (line ${existing.range.start.line + 1}); merge the two.`,
        directiveRange,
      );
    }
    this.extendPrompt(emptyAt);
    this.section = {
      kind: 'text',
      lines: [],
      emptyAt,
      done: (text) => {
        if (existing) return;
        if (owner) owner.negative = text;
        else this.file.negative = text;
      },
    };
    void line;
  }

  private fragment(line: SourceLine, directiveRange: Range, argumentStart: number, argumentEnd: number): void {
    // A fragment ends the current prompt: text after it belongs to the fragment, not to the prompt.
    this.prompt = undefined;
    const parsed = this.name(argumentStart, argumentEnd, 'fragment');
    if (!parsed) {
      this.report('syntax/missing-name', 'error', '@fragment needs a name: @fragment NAME, then use it as ${NAME}.', directiveRange);
    } else this.duplicate(this.fragmentNames, parsed.name, parsed.range, 'fragment');
    const node: FragmentNode = {
      kind: 'fragment',
      range: this.lines.range(line.contentStart, argumentEnd),
      name: parsed?.name ?? '',
      nameRange: parsed?.range ?? this.lines.range(argumentEnd, argumentEnd),
      text: { kind: 'prompt-text', range: this.lines.range(argumentEnd, argumentEnd), body: [], text: '', sourceMap: singleOffset(argumentEnd) },
    };
    this.file.fragments.push(node);
    this.section = {
      kind: 'text',
      lines: [],
      emptyAt: argumentEnd,
      done: (text) => {
        node.text = text;
        if (text.text.length > 0) node.range = SourceRange.span(node.range, text.range);
      },
    };
  }

  private include(line: SourceLine, directiveRange: Range, argumentStart: number, argumentEnd: number): void {
    this.prompt = undefined;
    if (argumentStart >= argumentEnd) {
      this.report('syntax/missing-path', 'error', '@include needs a path: @include "shared.sdprompt".', directiveRange);
      return;
    }
    const value = valueNode(this.text, argumentStart, argumentEnd, this.lines, this.diagnostics);
    const node: IncludeNode = {
      kind: 'include',
      range: this.lines.range(line.contentStart, argumentEnd),
      path: value.value,
      pathRange: value.range,
    };
    this.file.includes.push(node);
  }
}

/** The source map of an empty prompt text placed at `offset`. */
function singleOffset(offset: number): Int32Array {
  const map = allocateSourceMap(1);
  map[0] = offset;
  return map;
}
