/**
 * Builds the typed prompt-text AST (ast.ts) from the parser's bracket structure, and reports the
 * `syntax/…` diagnostics of prompt text. Ranges are document ranges: text offsets go through the
 * prompt's source map.
 *
 * What a `[…]` means is decided here, from the separators directly inside it, following the
 * productions of A1111's schedule grammar (modules/prompt_parser.py):
 *   scheduled: "[" [prompt ":"] prompt ":" [WHITESPACE] NUMBER [WHITESPACE] "]"
 *   alternate: "[" prompt ("|" [prompt])+ "]"
 *   emphasized: "[" prompt "]"
 * Anything else inside square brackets is de-emphasis of the text as written (parse_prompt_attention
 * sees the `:` and `|` as plain text).
 */
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../core/diagnostic.js';
import type {
  AlternationNode,
  EmphasisNode,
  NetworkArgNode,
  NetworkNode,
  NumberNode,
  PromptNode,
  Range,
  ScheduleNode,
  TextNode,
} from './ast.js';
import {
  And,
  AndWeight,
  Break,
  Colon,
  Comma,
  FragmentRef,
  LParen,
  Network,
  NetworkUnclosed,
  Pipe,
  RBracket,
  RParen,
  WeightClose,
  Wildcard,
} from './prompt-lexer.js';
import { MAX_NESTING, isRawGroup, type RawGroup, type RawItem } from './prompt-parser.js';
import type { TextMapper } from './source-map.js';

/** Extra-network types A1111 v1.10 registers: Lora (with its `lyco` alias) and hypernetworks. */
export const KNOWN_NETWORK_TYPES: ReadonlySet<string> = new Set(['lora', 'lyco', 'hypernet']);

/** Python float() of A1111's weight text `[+-]?[.\d]+`: NaN when Python would raise ValueError. */
export function pythonFloat(raw: string): number {
  return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
}

/** lark's SIGNED_NUMBER, which the `when` of a schedule must be. */
const scheduleNumber = /^(\s*)([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*$/;

/** Resolves A1111 escapes: `\(` → `(`, `\\` → `\`, and a lone `\` reads as nothing. */
export function unescapePromptText(raw: string): string {
  return raw.indexOf('\\') === -1 ? raw : raw.replace(/\\([\s\S]?)/g, '$1');
}

export class PromptAstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly mapper: TextMapper,
  ) {}

  build(items: RawItem[]): PromptNode[] {
    return this.sequence(items, false);
  }

  private range(start: number, end: number): Range {
    return this.mapper.range(start, end);
  }

  private tokenRange(token: IToken): Range {
    return this.range(token.startOffset, token.startOffset + token.image.length);
  }

  private report(code: string, severity: Diagnostic['severity'], message: string, range: Range, extra?: Partial<Diagnostic>): void {
    this.diagnostics.push({ code, severity, message, range, ...extra });
  }

  /** A sequence of items; `inSquare` tells whether a `|` here sits directly in square brackets. */
  private sequence(items: RawItem[], inSquare: boolean): PromptNode[] {
    // Sized up front: a pushed-to array keeps spare capacity (17 slots for one node), and a large
    // file's bodies are most of its tree.
    const nodes = new Array<PromptNode>(items.length);
    let count = 0;
    for (const item of items) {
      if (item === undefined) continue; // a slot error recovery could not fill
      if (isRawGroup(item)) {
        if (item.tooDeep) nodes[count++] = this.tooDeep(item);
        else nodes[count++] = item.open.tokenType === LParen ? this.round(item) : this.square(item);
      }
      else nodes[count++] = this.leaf(item, inSquare);
    }
    if (count < nodes.length) nodes.length = count;
    return nodes;
  }

  private leaf(token: IToken, inSquare: boolean): PromptNode {
    const start = token.startOffset;
    const end = start + token.image.length;
    const range = this.range(start, end);
    switch (token.tokenType) {
      case Comma:
        return { kind: 'comma', range };
      case Break:
        return { kind: 'break', range };
      case And:
        return { kind: 'and', range };
      case AndWeight: {
        const match = /[-+]?[.\d]+/.exec(token.image)!;
        return { kind: 'and-weight', range, weight: this.number(match[0], start + match.index) };
      }
      case Network:
        return this.network(token, true);
      case NetworkUnclosed:
        return this.network(token, false);
      case Wildcard:
        return { kind: 'wildcard', range, name: token.image.slice(2, -2) };
      case FragmentRef:
        return { kind: 'fragment-ref', range, name: token.image.slice(2, -1), nameRange: this.range(start + 2, end - 1) };
      case RParen:
      case RBracket:
      case WeightClose:
        return this.strayCloser(token, range);
      case Pipe:
        if (!inSquare) this.strayPipe(range);
        return this.textNode(token);
      case Colon:
      default:
        return this.textNode(token);
    }
  }

  private textNode(token: IToken): TextNode {
    const raw = token.image;
    const start = token.startOffset;
    return { kind: 'text', range: this.range(start, start + raw.length), raw, value: unescapePromptText(raw) };
  }

  private number(raw: string, start: number): NumberNode {
    const range = this.range(start, start + raw.length);
    const value = pythonFloat(raw);
    if (Number.isNaN(value)) {
      this.report(
        'syntax/bad-number',
        'error',
        `'${raw}' is not a number A1111 can read: generation fails with "could not convert string to float". Write a number such as 1.2.`,
        range,
      );
    }
    return { kind: 'number', range, raw, value };
  }

  private strayCloser(token: IToken, range: Range): PromptNode {
    const bracket = token.tokenType === RBracket ? ']' : ')';
    const at = token.tokenType === WeightClose ? token.startOffset + token.image.length - 1 : token.startOffset;
    const closerRange = this.range(at, at + 1);
    const offset = closerRange.start.offset;
    this.report(
      'syntax/unmatched-bracket',
      'warning',
      `'${bracket}' closes no '${bracket === ']' ? '[' : '('}': A1111 keeps it as literal text. Escape it as '\\${bracket}' if you mean the character.`,
      closerRange,
      { suggestions: [{ title: `Escape as '\\${bracket}'`, edits: [{ start: offset, end: offset, newText: '\\' }] }] },
    );
    return { kind: 'error', range, raw: token.image };
  }

  private strayPipe(range: Range): void {
    const offset = range.start.offset;
    this.report(
      'syntax/stray-pipe',
      'warning',
      "'|' outside '[a|b]' makes A1111's schedule parser reject the whole prompt: its [from:to:when] and [a|b] parts are then used as plain text. Escape it as '\\|'.",
      range,
      { suggestions: [{ title: "Escape as '\\|'", edits: [{ start: offset, end: offset, newText: '\\' }] }] },
    );
  }

  private reportedTooDeep = false;

  private tooDeep(group: RawGroup): PromptNode {
    const range = this.tokenRange(group.open);
    if (!this.reportedTooDeep) {
      this.reportedTooDeep = true;
      this.report(
        'syntax/too-deep',
        'error',
        `Brackets nested deeper than ${MAX_NESTING} levels are not analysed; this '${group.open.image}' and the brackets inside it are read as text.`,
        range,
      );
    }
    return { kind: 'error', range, raw: group.open.image };
  }

  private groupRange(group: RawGroup): Range {
    const start = group.open.startOffset;
    const end = group.close ? group.close.startOffset + group.close.image.length : this.lastOffset(group);
    return this.range(start, end);
  }

  /** Where an unclosed group ends: after its last item (A1111 closes it at the end of the prompt). */
  private lastOffset(group: RawGroup): number {
    let current: RawGroup = group;
    for (;;) {
      const last = current.items[current.items.length - 1];
      if (last === undefined) return current.close ? current.close.startOffset + current.close.image.length : current.open.startOffset + 1;
      if (!isRawGroup(last)) return last.startOffset + last.image.length;
      if (last.close) return last.close.startOffset + last.close.image.length;
      current = last;
    }
  }

  private unclosed(group: RawGroup, bracket: '(' | '['): void {
    const range = this.range(group.open.startOffset, group.open.startOffset + 1);
    const offset = range.start.offset;
    const effect = bracket === '(' ? 'multiplies the weight of everything after it by 1.1' : 'divides the weight of everything after it by 1.1';
    this.report(
      'syntax/unclosed-bracket',
      'warning',
      `'${bracket}' is never closed: A1111 closes it at the end of the prompt, which ${effect}. Close it, or escape it as '\\${bracket}'.`,
      range,
      { suggestions: [{ title: `Escape as '\\${bracket}'`, edits: [{ start: offset, end: offset, newText: '\\' }] }] },
    );
  }

  private emptyGroup(range: Range, written: string): void {
    this.report('syntax/empty-group', 'warning', `'${written}' is empty and has no effect in A1111. Remove it.`, range, {
      fix: { title: `Remove '${written}'`, edits: [{ start: range.start.offset, end: range.end.offset, newText: '' }] },
    });
  }

  private round(group: RawGroup): EmphasisNode {
    const range = this.groupRange(group);
    const body = this.sequence(group.items, false);
    let node: EmphasisNode;
    if (group.close?.tokenType === WeightClose) {
      const image = group.close.image;
      const match = /[+-]?[.\d]+/.exec(image.slice(1))!;
      const weight = this.number(match[0], group.close.startOffset + 1 + match.index);
      node = { kind: 'emphasis', bracket: 'round', range, body, weight, closed: true };
    } else node = { kind: 'emphasis', bracket: 'round', range, body, closed: group.close !== undefined };
    if (!group.close) this.unclosed(group, '(');
    else if (group.items.length === 0 && !node.weight) this.emptyGroup(range, '()');
    return node;
  }

  private square(group: RawGroup): EmphasisNode | ScheduleNode | AlternationNode {
    const range = this.groupRange(group);
    if (!group.close) {
      this.unclosed(group, '[');
      return { kind: 'emphasis', bracket: 'square', range, body: this.sequence(group.items, false), closed: false };
    }
    const segments: RawItem[][] = [[]];
    let colons = 0;
    let pipes = 0;
    for (const item of group.items) {
      if (!isRawGroup(item) && (item.tokenType === Colon || item.tokenType === Pipe)) {
        if (item.tokenType === Colon) colons++;
        else pipes++;
        segments.push([]);
      } else segments[segments.length - 1]!.push(item);
    }
    if (pipes > 0 && colons === 0) {
      return { kind: 'alternation', range, options: segments.map((segment) => this.sequence(segment, true)) };
    }
    if (colons > 0 && pipes === 0 && colons <= 2) {
      const schedule = this.schedule(segments, range);
      if (schedule) return schedule;
    }
    if (group.items.length === 0) this.emptyGroup(range, '[]');
    return { kind: 'emphasis', bracket: 'square', range, body: this.sequence(group.items, false), closed: true };
  }

  private schedule(segments: RawItem[][], range: Range): ScheduleNode | undefined {
    const last = segments[segments.length - 1]!;
    if (last.length !== 1) return undefined;
    const token = last[0]!;
    if (isRawGroup(token)) return undefined;
    const match = scheduleNumber.exec(token.image);
    if (!match) return undefined;
    const start = token.startOffset + match[1]!.length;
    const raw = match[2]!;
    const when: NumberNode = { kind: 'number', range: this.range(start, start + raw.length), raw, value: Number(raw) };
    const to = this.sequence(segments[segments.length - 2]!, false);
    if (segments.length === 3) return { kind: 'schedule', range, from: this.sequence(segments[0]!, false), to, when };
    return { kind: 'schedule', range, to, when };
  }

  /**
   * `<type:args>`: A1111 modules/extra_networks.py splits the args on ':' and reads `k=v` as named
   * when splitting on '=' gives exactly two parts (ExtraNetworkParams).
   */
  private network(token: IToken, closed: boolean): NetworkNode {
    const image = token.image;
    const start = token.startOffset;
    const end = start + image.length;
    const colon = image.indexOf(':');
    const type = image.slice(1, colon);
    const argsEnd = closed ? image.length - 1 : image.length;
    const args: NetworkArgNode[] = [];
    let cursor = colon + 1;
    while (cursor <= argsEnd) {
      let next = image.indexOf(':', cursor);
      if (next === -1 || next > argsEnd) next = argsEnd;
      const raw = image.slice(cursor, next);
      const parts = raw.split('=');
      const arg: NetworkArgNode = {
        kind: 'network-arg',
        range: this.range(start + cursor, start + next),
        raw,
        value: raw,
        valueRange: this.range(start + cursor, start + next),
      };
      if (parts.length === 2) {
        arg.name = parts[0]!;
        arg.value = parts[1]!;
        const valueStart = start + cursor + parts[0]!.length + 1;
        arg.valueRange = this.range(valueStart, start + next);
      }
      args.push(arg);
      cursor = next + 1;
    }
    const range = this.range(start, end);
    const node: NetworkNode = {
      kind: 'network',
      range,
      type,
      typeRange: this.range(start + 1, start + colon),
      args,
      knownType: KNOWN_NETWORK_TYPES.has(type),
      closed,
    };
    if (!closed) {
      const at = range.end.offset;
      this.report(
        'syntax/unterminated-network',
        'warning',
        `'<${type}:' has no closing '>': A1111 leaves it in the prompt as plain text and loads nothing. Add '>'.`,
        range,
        { suggestions: [{ title: "Insert '>'", edits: [{ start: at, end: at, newText: '>' }] }] },
      );
    }
    return node;
  }
}
