/**
 * Semantic tokens from the AST: directives, comments, parameter keys and values, fragment names,
 * and the A1111 syntax inside prompt text (emphasis brackets and weights, schedules, BREAK/AND,
 * extra networks, wildcards, fragment references). The TextMate grammar colours the same things
 * without a server; these tokens are exact where the grammar has to guess.
 */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { NumberNode, PromptNode, Range } from '../../grammar/ast.js';
import { paramBlocks, promptTexts, walkPrompt } from '../syntax-tree.js';
import type { FeatureContext } from './context.js';

export const TOKEN_TYPES = ['comment', 'keyword', 'function', 'variable', 'number', 'operator', 'string', 'property', 'macro', 'type'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'deprecated', 'readonly'] as const;
type TokenType = (typeof TOKEN_TYPES)[number];

export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

interface Token {
  start: number;
  end: number;
  type: TokenType;
  modifiers: number;
}

export function semanticTokens(context: FeatureContext, range?: { start: number; end: number }): SemanticTokens {
  const { analysis, document } = context;
  const { ast, text } = analysis;
  const tokens: Token[] = [];
  const add = (start: number, end: number, type: TokenType, modifiers = 0) => {
    if (end > start) tokens.push({ start, end, type, modifiers });
  };
  const addRange = (nodeRange: Range | undefined, type: TokenType, modifiers = 0) => {
    if (nodeRange) add(nodeRange.start.offset, nodeRange.end.offset, type, modifiers);
  };

  for (const comment of ast.comments ?? []) addRange(comment.range, 'comment');
  // Directive keywords (`@prompt`, `@params`, …): the `@word` at the start of each directive line.
  const directive = /^[ \t]*(@[A-Za-z]+)/gm;
  for (let match = directive.exec(text); match; match = directive.exec(text)) {
    const start = match.index + match[0].length - match[1]!.length;
    add(start, start + match[1]!.length, 'keyword');
  }
  for (const prompt of ast.prompts ?? []) addRange(prompt.nameRange, 'function', 1);
  for (const fragment of ast.fragments ?? []) addRange(fragment.nameRange, 'function', 1);
  for (const include of ast.includes ?? []) addRange(include.pathRange, 'string');
  for (const block of paramBlocks(ast)) {
    for (const entry of block.entries ?? []) {
      addRange(entry.keyRange, 'property');
      if (entry.value) addRange(entry.value.range, /^-?\d+(\.\d+)?$/.test(entry.value.value.trim()) ? 'number' : 'string');
    }
  }
  for (const entry of ast.infotext ?? []) addRange(entry.keyRange, 'property');
  for (const site of promptTexts(ast)) walkPrompt(site.text.body ?? [], (node) => promptTokens(node, add, addRange));

  tokens.sort((a, b) => a.start - b.start || a.end - b.end);
  const builder = new SemanticTokensBuilder();
  let lastEnd = -1;
  for (const token of tokens) {
    if (token.start < lastEnd) continue; // overlapping: keep the first
    if (range && (token.end < range.start || token.start > range.end)) continue;
    lastEnd = token.end;
    pushSplitByLine(builder, document, text, token);
  }
  return builder.build();
}

function promptTokens(
  node: PromptNode,
  add: (start: number, end: number, type: TokenType, modifiers?: number) => void,
  addRange: (range: Range | undefined, type: TokenType, modifiers?: number) => void,
): void {
  const number = (value: NumberNode | undefined) => addRange(value?.range, 'number');
  switch (node.kind) {
    case 'emphasis': {
      add(node.range.start.offset, node.range.start.offset + 1, 'operator');
      number(node.weight);
      if (node.closed) add(node.range.end.offset - 1, node.range.end.offset, 'operator');
      return;
    }
    case 'schedule':
      number(node.when);
      return;
    case 'break':
    case 'and':
      addRange(node.range, 'keyword');
      return;
    case 'and-weight':
      number(node.weight);
      return;
    case 'network': {
      addRange(node.typeRange, node.knownType ? 'macro' : 'type', node.knownType ? 0 : 2);
      node.args.forEach((arg, index) => {
        if (index === 0) addRange(arg.valueRange, 'function');
        else addRange(arg.valueRange, /^[+-]?[\d.]+$/.test(arg.value.trim()) ? 'number' : 'string');
      });
      return;
    }
    case 'wildcard':
    case 'fragment-ref':
      addRange(node.range, 'variable');
      return;
    default:
      return;
  }
}

/** LSP tokens may not span lines (unless the client says so): one token per line piece. */
function pushSplitByLine(
  builder: SemanticTokensBuilder,
  document: { positionAt(offset: number): { line: number; character: number } },
  text: string,
  token: Token,
): void {
  const typeIndex = TOKEN_TYPES.indexOf(token.type);
  let start = token.start;
  while (start < token.end) {
    let end = text.indexOf('\n', start);
    if (end < 0 || end > token.end) end = token.end;
    const pieceEnd = end > start && text[end - 1] === '\r' ? end - 1 : end;
    if (pieceEnd > start) {
      const position = document.positionAt(start);
      builder.push(position.line, position.character, pieceEnd - start, typeIndex, token.modifiers);
    }
    start = end + 1;
  }
}
