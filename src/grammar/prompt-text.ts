/**
 * Prompt text → PromptText node: lexer, parser and AST builder in one call.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { PromptText } from './ast.js';
import { LineIndex } from './line-index.js';
import { PromptAstBuilder } from './prompt-ast.js';
import { TokenPool, scanPromptTokens } from './prompt-lexer.js';
import { PromptParser } from './prompt-parser.js';
import { TextMapper, contiguousSourceMap } from './source-map.js';

export interface PromptTextResult {
  node: PromptText;
  diagnostics: Diagnostic[];
}

/**
 * Holds one parser (the tokens come from scanPromptTokens, which needs no state). Chevrotain analyses a grammar once, when the parser is built (a few
 * milliseconds), and then parses any number of inputs; so the instance is built on first use and
 * reused (parsing is synchronous, so one instance is never used by two parses at once).
 */
export class PromptTextParser {
  private readonly parser = new PromptParser();
  private readonly tokens = new TokenPool();

  parse(text: string, sourceMap: Int32Array, lines: LineIndex): PromptTextResult {
    const mapper = new TextMapper(lines, sourceMap);
    const diagnostics: Diagnostic[] = [];
    const items = this.parser.parsePrompt(scanPromptTokens(text, this.tokens));
    for (const error of this.parser.errors) {
      const token = error.token;
      const start = Number.isNaN(token.startOffset) ? text.length : token.startOffset;
      diagnostics.push({
        code: 'syntax/internal',
        severity: 'error',
        message: `The prompt parser could not read this: ${error.message}`,
        range: mapper.range(start, start + (token.image?.length ?? 0)),
      });
    }
    const builder = new PromptAstBuilder(text, mapper);
    const body = builder.build(items);
    diagnostics.push(...builder.diagnostics);
    const node: PromptText = {
      kind: 'prompt-text',
      range: mapper.range(0, text.length),
      body,
      text,
      sourceMap,
    };
    return { node, diagnostics };
  }
}

let shared: PromptTextParser | undefined;

/** The reusable parser, built on first use (never at import time). */
export function promptTextParser(): PromptTextParser {
  shared ??= new PromptTextParser();
  return shared;
}

/**
 * Parses a prompt on its own (not inside a file): document offsets are text offsets. For tools that
 * receive a single prompt string (an API payload, a JSON Lines stream).
 */
export function parsePromptText(text: string): PromptTextResult {
  const input = typeof text === 'string' ? text : String(text ?? '');
  return promptTextParser().parse(input, contiguousSourceMap(0, input.length), new LineIndex(input));
}
