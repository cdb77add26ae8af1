/**
 * A minimal chevrotain JSON parser (lexer + embedded-actions parser building plain values), used by
 * bench/parse.mjs only as a yardstick for the prompt parser's speed on input of the same size.
 */
import { createToken, EmbeddedActionsParser, Lexer } from 'chevrotain';

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\r]+/, group: Lexer.SKIPPED });
const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^\\"]|\\(?:[bfnrtv"\\/]|u[0-9a-fA-F]{4}))*"/ });
const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/ });
const True = createToken({ name: 'True', pattern: 'true' });
const False = createToken({ name: 'False', pattern: 'false' });
const Null = createToken({ name: 'Null', pattern: 'null' });
const LCurly = createToken({ name: 'LCurly', pattern: '{' });
const RCurly = createToken({ name: 'RCurly', pattern: '}' });
const LSquare = createToken({ name: 'LSquare', pattern: '[' });
const RSquare = createToken({ name: 'RSquare', pattern: ']' });
const Comma = createToken({ name: 'Comma', pattern: ',' });
const Colon = createToken({ name: 'Colon', pattern: ':' });

const tokens = [WhiteSpace, StringLiteral, NumberLiteral, True, False, Null, LCurly, RCurly, LSquare, RSquare, Comma, Colon];

class JsonParser extends EmbeddedActionsParser {
  constructor() {
    super(tokens, { skipValidations: true });
    this.performSelfAnalysis();
  }

  json = this.RULE('json', () => this.SUBRULE(this.value));

  object = this.RULE('object', () => {
    const result = {};
    this.CONSUME(LCurly);
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        const key = this.CONSUME(StringLiteral).image;
        this.CONSUME(Colon);
        const value = this.SUBRULE(this.value);
        this.ACTION(() => {
          result[JSON.parse(key)] = value;
        });
      },
    });
    this.CONSUME(RCurly);
    return result;
  });

  array = this.RULE('array', () => {
    const result = [];
    this.CONSUME(LSquare);
    this.MANY_SEP({ SEP: Comma, DEF: () => result.push(this.SUBRULE(this.value)) });
    this.CONSUME(RSquare);
    return result;
  });

  value = this.RULE('value', () =>
    this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(StringLiteral);
          return this.ACTION(() => JSON.parse(token.image));
        },
      },
      { ALT: () => Number(this.CONSUME(NumberLiteral).image) },
      { ALT: () => this.SUBRULE(this.object) },
      { ALT: () => this.SUBRULE(this.array) },
      { ALT: () => (this.CONSUME(True), true) },
      { ALT: () => (this.CONSUME(False), false) },
      { ALT: () => (this.CONSUME(Null), null) },
    ]),
  );
}

export function createJsonParser() {
  const lexer = new Lexer(tokens, { positionTracking: 'onlyOffset', skipValidations: true });
  const parser = new JsonParser();
  return (text) => {
    const lexed = lexer.tokenize(text);
    parser.input = lexed.tokens;
    const value = parser.json();
    if (lexed.errors.length > 0 || parser.errors.length > 0) throw new Error('invalid JSON');
    return value;
  };
}
