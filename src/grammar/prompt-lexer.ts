/**
 * The chevrotain lexer of A1111 prompt text.
 *
 * Most constructs are recognised by small hand-written matchers (chevrotain "custom patterns"), because
 * they need context that a plain regular expression cannot express cheaply: a word boundary before
 * `AND`/`BREAK` (Python's Unicode `\b`), an `AND` weight that must be the last thing in its part, an
 * extra-network tag that may span lines. Each matcher is linear in the text it consumes, so the lexer
 * never backtracks.
 *
 * Token order matters only between tokens that can start with the same character: the specific
 * forms come first, `Text` is the catch-all that swallows everything else.
 */
import { createToken, Lexer, type CustomPatternMatcherReturn, type IToken, type TokenType } from 'chevrotain';

type Matcher = (text: string, offset: number) => CustomPatternMatcherReturn | null;

const wordPattern = /[\p{L}\p{N}_]/u;

/** Python's Unicode `\w` (str.isalnum() or '_'), which A1111's regexes use. */
export function isWordChar(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code !== code) return false; // NaN: outside the text
  if (code < 128) {
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  }
  const point = text.codePointAt(index)!;
  // A low surrogate belongs to the code point that starts one unit earlier.
  if (code >= 0xdc00 && code <= 0xdfff && index > 0) {
    const previous = text.codePointAt(index - 1)!;
    if (previous > 0xffff) return wordPattern.test(String.fromCodePoint(previous));
  }
  return wordPattern.test(String.fromCodePoint(point));
}

/** `BREAK`/`AND` as A1111 finds them: `\bKEYWORD\b` (prompt_parser.py re_break, re_AND). */
export function keywordAt(text: string, index: number, keyword: string): boolean {
  if (!text.startsWith(keyword, index)) return false;
  if (index > 0 && isWordChar(text, index - 1)) return false;
  return !isWordChar(text, index + keyword.length);
}

/** Characters a fragment or prompt name may use (`${name}`, `@fragment name`). */
export function isNameChar(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code === 45 || code === 46 || isWordChar(text, index);
}

/**
 * The end of the extra-network tag at `index` per A1111 modules/extra_networks.py
 * `re_extra_net = <(\w+):([^>]+)>`: returns the offset after `>`, -1 when no tag starts here, or
 * -2 when `<type:` starts here but no `>` follows anywhere (an unterminated tag).
 */
export function networkEndAt(text: string, index: number, greater?: NextGreater): number {
  if (text.charCodeAt(index) !== 60) return -1;
  let cursor = index + 1;
  while (isWordChar(text, cursor)) cursor++;
  if (cursor === index + 1 || text.charCodeAt(cursor) !== 58) return -1;
  const close = greater ? greater.from(cursor + 1) : text.indexOf('>', cursor + 1);
  if (close === -1) return -2;
  // `[^>]+` needs at least one character: `<lora:>` is not a tag.
  return close === cursor + 1 ? -1 : close + 1;
}

/**
 * The next '>' at or after a position, remembered between calls: without it, a text with many `<type:`
 * and a far (or no) '>' would be scanned to the end once per '<' (quadratic).
 */
export class NextGreater {
  private queried = -1;
  private found = -1;

  constructor(private readonly text: string) {}

  from(position: number): number {
    if (position < this.queried || (this.found !== -1 && this.found < position)) {
      this.found = this.text.indexOf('>', position);
    } else if (this.queried === -1) {
      this.found = this.text.indexOf('>', position);
    }
    this.queried = position;
    return this.found;
  }
}

/** Where an unterminated `<type:…` tag stops: before a line break, `,`, `<`, `|` or a bracket. */
export function unterminatedNetworkEnd(text: string, index: number): number {
  let cursor = index + 1;
  while (cursor < text.length) {
    const code = text.charCodeAt(cursor);
    // \n \r , < | ( ) [ ]
    if (code === 10 || code === 13 || code === 44 || code === 60 || code === 124) break;
    if (code === 40 || code === 41 || code === 91 || code === 93) break;
    cursor++;
  }
  return cursor;
}

/** End of `${name}` at `index`, or -1. */
export function fragmentRefEndAt(text: string, index: number): number {
  if (text.charCodeAt(index) !== 36 || text.charCodeAt(index + 1) !== 123) return -1;
  let cursor = index + 2;
  while (isNameChar(text, cursor)) cursor++;
  if (cursor === index + 2 || text.charCodeAt(cursor) !== 125) return -1;
  return cursor + 1;
}

/** End of a dynamicprompts wildcard `__name__` (name: word chars, `-`, `/`, `.`, `*`), or -1. */
export function wildcardEndAt(text: string, index: number): number {
  if (text.charCodeAt(index) !== 95 || text.charCodeAt(index + 1) !== 95) return -1;
  let cursor = index + 2;
  if (text.charCodeAt(cursor) === 95) return -1;
  while (cursor < text.length) {
    const code = text.charCodeAt(cursor);
    if (code === 95 && text.charCodeAt(cursor + 1) === 95) return cursor === index + 2 ? -1 : cursor + 2;
    if (code === 45 || code === 47 || code === 46 || code === 42 || isWordChar(text, cursor)) cursor++;
    else return -1;
  }
  return -1;
}

const andWeightHead = /:\s*[-+]?(?:\d*\.\d+|\d+\.?)/y;

/**
 * The `:weight` that ends an AND part. A1111 prompt_parser.py get_multicond_prompt_list splits on
 * `\bAND\b` and reads each part with `re_weight = ^(.*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*$`:
 * the weight must be followed only by white space up to the next `AND` or the end. Extra networks
 * are removed before that split, so tags after the weight do not hide it.
 */
function andWeightEndAt(text: string, index: number, greater?: NextGreater): number {
  andWeightHead.lastIndex = index;
  if (!andWeightHead.test(text)) return -1;
  const end = andWeightHead.lastIndex;
  let cursor = end;
  for (;;) {
    const code = text.charCodeAt(cursor);
    if (code === 32 || (code >= 9 && code <= 13)) cursor++;
    else if (code === 60 && networkEndAt(text, cursor, greater) > 0) cursor = networkEndAt(text, cursor, greater);
    else break;
  }
  if (cursor >= text.length || keywordAt(text, cursor, 'AND')) return end;
  return -1;
}

/**
 * Plain text: everything up to the next structural character (`( ) [ ] : | ,`) or the next place
 * where a tag, wildcard, fragment reference or keyword starts. `\` takes the next character with it,
 * as in A1111's schedule grammar (`plain: /([^\\\[\]():|]|\\.)+/`), so `\:` and `\|` are text.
 */
function textEndAt(text: string, index: number, greater?: NextGreater): number {
  let cursor = index;
  const length = text.length;
  while (cursor < length) {
    const code = text.charCodeAt(cursor);
    switch (code) {
      case 40: case 41: case 91: case 93: case 58: case 124: case 44: // ( ) [ ] : | ,
        return cursor;
      case 92: // backslash
        cursor += cursor + 1 < length ? 2 : 1;
        continue;
      case 60: // <
        if (cursor > index && networkEndAt(text, cursor, greater) !== -1) return cursor;
        break;
      case 36: // $
        if (cursor > index && fragmentRefEndAt(text, cursor) !== -1) return cursor;
        break;
      case 95: // _
        if (cursor > index && wildcardEndAt(text, cursor) !== -1) return cursor;
        break;
      case 65: // A
        if (cursor > index && keywordAt(text, cursor, 'AND')) return cursor;
        break;
      case 66: // B
        if (cursor > index && keywordAt(text, cursor, 'BREAK')) return cursor;
        break;
    }
    cursor++;
  }
  return cursor;
}

function matcher(endAt: (text: string, offset: number) => number): Matcher {
  return (text, offset) => {
    const end = endAt(text, offset);
    return end > offset ? [text.slice(offset, end)] as unknown as CustomPatternMatcherReturn : null;
  };
}

function custom(name: string, startChars: string[], endAt: (text: string, offset: number) => number, categories: TokenType[]): TokenType {
  return createToken({ name, pattern: matcher(endAt), start_chars_hint: startChars, line_breaks: true, categories });
}

/**
 * Categories: the tokens that stand alone (no nesting) in each context, so that the parser takes any
 * of them with one CONSUME. `(…)` also takes a stray `]`, `[…]` a stray `)` or `:w)`, and the top level
 * every closer (each when no group of its kind is open; the parser's gates check that).
 */
export const TopFlat = createToken({ name: 'TopFlat', pattern: Lexer.NA });
export const RoundFlat = createToken({ name: 'RoundFlat', pattern: Lexer.NA });
export const SquareFlat = createToken({ name: 'SquareFlat', pattern: Lexer.NA });
/** Tokens that stand alone in every context: text, tags, keywords, `,`. */
export const Leaf = createToken({ name: 'Leaf', pattern: Lexer.NA, categories: [TopFlat, RoundFlat, SquareFlat] });
/** `:` and `|`: separators inside `[…]`, plain text elsewhere. */
export const Separator = createToken({ name: 'Separator', pattern: Lexer.NA, categories: [TopFlat, RoundFlat, SquareFlat] });

export const Network = custom('Network', ['<'], (text, offset) => networkEndAt(text, offset), [Leaf]);
export const NetworkUnclosed = custom(
  'NetworkUnclosed',
  ['<'],
  (text, offset) => (networkEndAt(text, offset) === -2 ? unterminatedNetworkEnd(text, offset) : -1),
  [Leaf],
);
export const FragmentRef = custom('FragmentRef', ['$'], fragmentRefEndAt, [Leaf]);
export const Wildcard = custom('Wildcard', ['_'], wildcardEndAt, [Leaf]);
export const Break = custom('Break', ['B'], (text, offset) => (keywordAt(text, offset, 'BREAK') ? offset + 5 : -1), [Leaf]);
export const And = custom('And', ['A'], (text, offset) => (keywordAt(text, offset, 'AND') ? offset + 3 : -1), [Leaf]);
export const AndWeight = custom('AndWeight', [':'], andWeightEndAt, [Leaf]);
/** A1111 parse_prompt_attention: `:\s*([+-]?[.\d]+)\s*\)` closes `(` with an explicit weight. */
export const WeightClose = createToken({
  name: 'WeightClose',
  pattern: /:\s*[+-]?[.\d]+\s*\)/,
  line_breaks: true,
  categories: [TopFlat, SquareFlat],
});
export const Colon = createToken({ name: 'Colon', pattern: ':', categories: [Separator] });
export const Pipe = createToken({ name: 'Pipe', pattern: '|', categories: [Separator] });
export const Comma = createToken({ name: 'Comma', pattern: ',', categories: [Leaf] });
export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')', categories: [TopFlat, SquareFlat] });
export const LBracket = createToken({ name: 'LBracket', pattern: '[' });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', categories: [TopFlat, RoundFlat] });
export const Text = createToken({
  name: 'Text',
  pattern: matcher(textEndAt),
  line_breaks: true,
  categories: [Leaf],
});

export const promptTokens: TokenType[] = [
  TopFlat,
  RoundFlat,
  SquareFlat,
  Leaf,
  Separator,
  Network,
  NetworkUnclosed,
  FragmentRef,
  Wildcard,
  Break,
  And,
  AndWeight,
  WeightClose,
  Colon,
  Pipe,
  Comma,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Text,
];

const weightClosePattern = /:\s*[+-]?[.\d]+\s*\)/y;

function weightCloseEndAt(text: string, index: number): number {
  weightClosePattern.lastIndex = index;
  return weightClosePattern.test(text) ? weightClosePattern.lastIndex : -1;
}

/**
 * The token stream of `text`, identical to what the chevrotain lexer below produces (a property test
 * checks this), but several times faster: it dispatches on the first character instead of trying
 * every token pattern in turn, which chevrotain cannot do for a catch-all custom `Text` pattern.
 */
export function scanPromptTokens(text: string, pool?: TokenPool): IToken[] {
  const tokens: IToken[] = pool ? pool.reset() : [];
  const length = text.length;
  const greater = new NextGreater(text);
  let index = 0;
  while (index < length) {
    let type: TokenType = Text;
    let end = -1;
    switch (text.charCodeAt(index)) {
      case 40: type = LParen; end = index + 1; break;
      case 41: type = RParen; end = index + 1; break;
      case 91: type = LBracket; end = index + 1; break;
      case 93: type = RBracket; end = index + 1; break;
      case 124: type = Pipe; end = index + 1; break;
      case 44: type = Comma; end = index + 1; break;
      case 58: // :
        end = andWeightEndAt(text, index, greater);
        if (end > index) type = AndWeight;
        else {
          end = weightCloseEndAt(text, index);
          if (end > index) type = WeightClose;
          else {
            type = Colon;
            end = index + 1;
          }
        }
        break;
      case 60: { // <
        const close = networkEndAt(text, index, greater);
        if (close > 0) {
          type = Network;
          end = close;
        } else if (close === -2) {
          type = NetworkUnclosed;
          end = unterminatedNetworkEnd(text, index);
        }
        break;
      }
      case 36: // $
        end = fragmentRefEndAt(text, index);
        if (end > index) type = FragmentRef;
        break;
      case 95: // _
        end = wildcardEndAt(text, index);
        if (end > index) type = Wildcard;
        break;
      case 65: // A
        if (keywordAt(text, index, 'AND')) {
          type = And;
          end = index + 3;
        }
        break;
      case 66: // B
        if (keywordAt(text, index, 'BREAK')) {
          type = Break;
          end = index + 5;
        }
        break;
    }
    if (type === Text) end = textEndAt(text, index, greater);
    if (pool) pool.add(text.slice(index, end), index, type);
    else tokens.push({ image: text.slice(index, end), startOffset: index, tokenTypeIdx: type.tokenTypeIdx!, tokenType: type });
    index = end;
  }
  return tokens;
}

/**
 * Token objects reused from one prompt to the next by a parser that is done with a prompt's tokens
 * before it scans the next (PromptTextParser: the tree keeps token images, never tokens). A large
 * file has hundreds of thousands of tokens, each garbage right after its prompt is built.
 */
export class TokenPool {
  private readonly objects: IToken[] = [];
  private readonly current: IToken[] = [];

  reset(): IToken[] {
    this.current.length = 0;
    return this.current;
  }

  add(image: string, startOffset: number, type: TokenType): void {
    const index = this.current.length;
    let token = this.objects[index];
    if (token === undefined) {
      token = { image, startOffset, tokenTypeIdx: type.tokenTypeIdx!, tokenType: type };
      this.objects.push(token);
    } else {
      token.image = image;
      token.startOffset = startOffset;
      token.tokenTypeIdx = type.tokenTypeIdx!;
      token.tokenType = type;
    }
    this.current.push(token);
  }
}

/**
 * Builds the chevrotain lexer: the reference definition of the token stream (scanPromptTokens is the
 * fast equivalent used by the parser). Callers keep one (construction validates the token set).
 */
export function createPromptLexer(): Lexer {
  return new Lexer(promptTokens, {
    positionTracking: 'onlyOffset',
    skipValidations: true,
    ensureOptimizations: false,
  });
}
