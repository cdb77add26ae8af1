/**
 * The chevrotain parser of A1111 prompt text: it finds the bracket structure and nothing else.
 *
 * The grammar accepts every token sequence, so no input is ever rejected:
 *
 *   prompt  ::= ( item | ")" | "]" | WeightClose )*
 *   item    ::= Leaf | Separator | round | square
 *   round   ::= "(" ( item | "]" )* ( ")" | WeightClose )?      -- "]" only when no "[" is open
 *   square  ::= "[" ( item | ")" | WeightClose )* "]"?          -- ")" only when no "(" is open
 *
 * A closer ends the innermost open group of its own kind; a closer with no open group of its kind is
 * "stray" (A1111 prints it as text). A closer of the other kind that matches an enclosing group ends the
 * inner groups, which stay unclosed. What the brackets mean (emphasis, schedule, alternation) is decided
 * afterwards from the separators (prompt-ast.ts), because A1111 itself decides it per bracket.
 *
 * Recovery is on for safety (a failed rule would still produce a partial tree) although the grammar
 * has no way to fail.
 */
import { EmbeddedActionsParser, type IOrAlt, type IToken, type TokenType } from 'chevrotain';
import {
  LBracket,
  LParen,
  RBracket,
  RParen,
  RoundFlat,
  SquareFlat,
  TopFlat,
  WeightClose,
  promptTokens,
} from './prompt-lexer.js';

/** A bracket pair as the parser found it; `close` is absent when the input ended first. */
export interface RawGroup {
  open: IToken;
  items: RawItem[];
  close?: IToken;
  /** Set when the bracket opens deeper than MAX_NESTING: it is kept as a lone token, not a group. */
  tooDeep?: boolean;
}

/**
 * Deepest bracket nesting read as structure. Deeper brackets are kept as text (with a diagnostic), so
 * that no input can exhaust the call stack of the parser or of any reader of the tree.
 */
export const MAX_NESTING = 200;

/** A token in place (a leaf, a separator or a stray closer) or a nested group. */
export type RawItem = IToken | RawGroup;

export function isRawGroup(item: RawItem): item is RawGroup {
  return (item as RawGroup).open !== undefined;
}

export class PromptParser extends EmbeddedActionsParser {
  /** Open `(` and `[` around the current position; gates read them to tell stray closers. */
  private roundDepth = 0;
  private squareDepth = 0;

  constructor() {
    super(promptTokens, { recoveryEnabled: true, maxLookahead: 2, skipValidations: true });
    this.performSelfAnalysis();
  }

  parsePrompt(tokens: IToken[]): RawItem[] {
    this.roundDepth = 0;
    this.squareDepth = 0;
    this.items = [];
    this.input = tokens;
    return this.prompt();
  }

  // The alternatives of each OR are built once, not at every token: an OR given a fresh array literal
  // allocates the array, three objects and three closures per call (chevrotain's "OR caching" advice),
  // which was a quarter of everything a large parse allocated.
  private readonly topItem: Array<IOrAlt<RawItem>> = [
    { ALT: () => this.CONSUME(TopFlat) },
    { ALT: () => this.SUBRULE(this.round) },
    { ALT: () => this.SUBRULE(this.square) },
  ];

  private readonly roundItem: Array<IOrAlt<RawItem>> = [
    { ALT: () => this.CONSUME(RoundFlat) },
    { ALT: () => this.SUBRULE1(this.round) },
    { ALT: () => this.SUBRULE1(this.square) },
  ];

  private readonly roundClose: Array<IOrAlt<IToken>> = [{ ALT: () => this.CONSUME(RParen) }, { ALT: () => this.CONSUME(WeightClose) }];

  private readonly squareItem: Array<IOrAlt<RawItem>> = [
    { ALT: () => this.CONSUME(SquareFlat) },
    { ALT: () => this.SUBRULE2(this.round) },
    { ALT: () => this.SUBRULE2(this.square) },
  ];

  /**
   * The item list of the group being read. The rules keep it here (saved and restored around nested
   * groups) so that their MANY/OPTION arguments can be built once rather than closed over each list.
   */
  private items: RawItem[] = [];

  private readonly topMany = (): void => {
    this.items.push(this.OR(this.topItem));
  };

  private readonly roundMany = {
    // Stop at ')' or ':w)', and at a ']' that closes an enclosing '['.
    GATE: (): boolean => {
      const next = this.LA(1).tokenType;
      return next !== RParen && next !== WeightClose && !(next === RBracket && this.squareDepth > 0);
    },
    DEF: (): void => {
      this.items.push(this.OR(this.roundItem));
    },
  };

  private readonly squareMany = {
    // Stop at ']', and at a ')' or ':w)' that closes an enclosing '('.
    GATE: (): boolean => {
      const next = this.LA(1).tokenType;
      return next !== RBracket && !((next === RParen || next === WeightClose) && this.roundDepth > 0);
    },
    DEF: (): void => {
      this.items.push(this.OR(this.squareItem));
    },
  };

  private readonly roundCloser = (): IToken => this.OR2(this.roundClose);

  private readonly squareCloser = (): IToken => this.CONSUME(RBracket);

  readonly prompt = this.RULE('prompt', (): RawItem[] => {
    const items: RawItem[] = [];
    const outer = this.items;
    this.items = items;
    this.MANY(this.topMany);
    this.items = outer;
    return items;
  });

  // The depth counters and the nesting limit are state of a real parse, not of chevrotain's grammar
  // recording (which runs every rule once with placeholder tokens), hence the RECORDING_PHASE checks.
  private readonly round = this.RULE('round', (): RawGroup => {
    const open = this.CONSUME(LParen);
    const items: RawItem[] = [];
    const recording = this.RECORDING_PHASE;
    if (!recording && this.roundDepth + this.squareDepth >= MAX_NESTING) return { open, items, tooDeep: true };
    const outer = this.items;
    this.items = items;
    if (!recording) this.roundDepth++;
    this.MANY(this.roundMany);
    if (!recording) this.roundDepth--;
    this.items = outer;
    const close = this.OPTION(this.roundCloser);
    return close ? { open, items, close } : { open, items };
  });

  private readonly square = this.RULE('square', (): RawGroup => {
    const open = this.CONSUME(LBracket);
    const items: RawItem[] = [];
    const recording = this.RECORDING_PHASE;
    if (!recording && this.roundDepth + this.squareDepth >= MAX_NESTING) return { open, items, tooDeep: true };
    const outer = this.items;
    this.items = items;
    if (!recording) this.squareDepth++;
    this.MANY(this.squareMany);
    if (!recording) this.squareDepth--;
    this.items = outer;
    const close = this.OPTION(this.squareCloser);
    return close ? { open, items, close } : { open, items };
  });
}

/** Token types that close a group, for readers of RawItem lists. */
export const closerTypes: ReadonlySet<TokenType> = new Set([RParen, RBracket, WeightClose]);
