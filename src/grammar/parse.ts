/**
 * parse(): a `.sdprompt` document → PromptFile AST + syntax diagnostics. Never throws.
 *
 * The form is chosen from the text: any directive line (first non-blank character `@`) makes it
 * structured; otherwise a "Negative prompt:" line or an A1111 parameters line makes it infotext;
 * otherwise the whole text is one bare prompt. Whole-line `#` comments are comments in every form.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { FileForm, PromptFile } from './ast.js';
import { commentNode, promptTextFromPieces, splitLines, trimmedPieces, type SourceLine } from './file-lines.js';
import { looksLikeInfotext, readInfotext } from './infotext.js';
import { LineIndex } from './line-index.js';
import { StructuredReader } from './structured.js';

export interface ParseOptions {
  /** Force a form instead of detecting it (e.g. 'bare' for text that is known to be one prompt). */
  form?: FileForm;
}

export interface ParseResult {
  ast: PromptFile;
  diagnostics: Diagnostic[];
  /** The line index of the text, for callers that convert more offsets. */
  lines: LineIndex;
}

/**
 * The line index parse() built for a tree rides along on the tree under a private symbol (not
 * enumerable, so JSON output and deep equality never see it), so later stages convert offsets without
 * scanning the document again. (A module-level WeakMap did the same but made every young tree an
 * ephemeron the garbage collector had to trace, which tripled the cost of parse + analyze.)
 */
const linesKey: unique symbol = Symbol('sdprompt.lineIndex');

type WithLines = PromptFile & { [linesKey]?: LineIndex };

/** The line index of a parsed document (built anew for a tree that parse() did not make). */
export function documentLines(file: PromptFile): LineIndex {
  const carried = (file as WithLines)[linesKey];
  if (carried) return carried;
  const lines = new LineIndex(file.source ?? '');
  Object.defineProperty(file, linesKey, { value: lines, enumerable: false, configurable: true, writable: true });
  return lines;
}

export function detectForm(text: string, sourceLines: SourceLine[]): FileForm {
  if (sourceLines.some((line) => line.kind === 'directive')) return 'structured';
  return looksLikeInfotext(text, sourceLines) ? 'infotext' : 'bare';
}

export function parse(text: string, options: ParseOptions = {}): ParseResult {
  const input = typeof text === 'string' ? text : String(text ?? '');
  const lines = new LineIndex(input);
  const sourceLines = splitLines(input, lines);
  const diagnostics: Diagnostic[] = [];
  const form = options.form ?? detectForm(input, sourceLines);
  const file: PromptFile = {
    kind: 'file',
    form,
    source: input,
    range: lines.range(0, input.length),
    blocks: [],
    fragments: [],
    includes: [],
    prompts: [],
    comments: [],
  };
  if (form === 'structured') {
    new StructuredReader(input, lines, file, diagnostics).read(sourceLines);
  } else {
    for (const line of sourceLines) if (line.kind === 'comment') file.comments.push(commentNode(input, line, lines));
    if (form === 'infotext') readInfotext(input, sourceLines, lines, file, diagnostics);
    else {
      const textLines = sourceLines.filter((line) => line.kind !== 'comment');
      const positive = promptTextFromPieces(input, trimmedPieces(textLines), lines, 0, diagnostics);
      file.prompts.push({ kind: 'prompt', range: file.range, positive, blocks: [] });
    }
  }
  Object.defineProperty(file, linesKey, { value: lines, enumerable: false, configurable: true, writable: true });
  return { ast: file, diagnostics, lines };
}
