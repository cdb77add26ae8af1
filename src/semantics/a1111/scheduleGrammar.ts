/**
 * The bracket structure A1111's schedule grammar finds in a prompt (modules/prompt_parser.py,
 * `schedule_parser`, lark 1.1.2 Earley with the dynamic lexer and ambiguity='resolve'):
 *
 *   !start: (prompt | /[][():]/+)*
 *   prompt: (emphasized | scheduled | alternate | plain | WHITESPACE)*
 *   !emphasized: "(" prompt ")" | "(" prompt ":" prompt ")" | "[" prompt "]"
 *   scheduled: "[" [prompt ":"] prompt ":" [WHITESPACE] NUMBER [WHITESPACE] "]"
 *   alternate: "[" prompt ("|" [prompt])+ "]"
 *   WHITESPACE: /\s+/      plain: /([^\\\[\]():|]|\\.)+/      NUMBER: common.SIGNED_NUMBER
 *
 * Two facts make a direct parser exact:
 *  1. Inside `prompt`, brackets must pair up by kind and `:`/`|` may only appear at a group's own
 *     level, so a prompt span has one structure (the dynamic lexer matches each terminal greedily,
 *     so plain text always runs to the next special character).
 *  2. All the ambiguity is at the `start` level, where any `[ ] ( ) :` may also be a literal
 *     one-character token. lark picks among the packed nodes of `__start_star_1` by
 *     (is_empty, rule order): whole prompt (order 0), all literal (1), `star prompt` (2),
 *     `star literal+` (3), skipping the self-cycle through an empty prompt. Several packed nodes
 *     of the same order (different split points) tie, and Python's sort keeps them in set order,
 *     which depends on PYTHONHASHSEED: A1111's result then changes between restarts. We pick the
 *     longest prefix (the latest split point) and report the tie when the candidates differ
 *     (./startLevel.ts).
 */
import { isPythonSpace } from './pythonText.js';
import { StartResolver } from './startLevel.js';

/** `[`…`]` or `(`…`)` that A1111's grammar accepts as one item of a prompt. */
export interface BracketGroup {
  kind: 'emphasis' | 'scheduled' | 'alternate';
  start: number;
  end: number;
  /** Inner prompt spans: emphasis 1-2, scheduled [before?, after], alternate one per option. */
  prompts: Array<[number, number]>;
  /** scheduled: whether `[before:after:when]` (true) or `[after:when]` (false). */
  hasBefore: boolean;
  /** scheduled: the NUMBER token. */
  when: string;
  /** Contains a scheduled or alternate group (itself included). */
  dynamic: boolean;
}

/** A top-level piece of the start rule: a prompt, or a run of literal bracket characters. */
export interface StartPiece {
  kind: 'prompt' | 'literal';
  start: number;
  end: number;
}

export interface StartAmbiguity {
  start: number;
  end: number;
  /** Group spans that some tied interpretation treats as syntax and another as literal text. */
  groups: BracketGroup[];
  /** For each of `groups`: whether sdprompt's chosen interpretation reads it as syntax. */
  chosen: boolean[];
}

export interface ScheduleStructure {
  /** False when lark raises (A1111 then uses the whole text at every step). */
  ok: boolean;
  pieces: StartPiece[];
  groups: Map<number, BracketGroup>;
  ambiguities: StartAmbiguity[];
}

// lark's compiled SIGNED_NUMBER; alternation order as lark emits it (ordered, like Python re).
const NUMBER = /[+-]?(?:[0-9]+[eE][+-]?[0-9]+|(?:[0-9]+\.(?:[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+)/y;

function isSpecial(char: string): boolean {
  return char === '\\' || char === '[' || char === ']' || char === '(' || char === ')' || char === ':' || char === '|';
}


/** Parses the bracket structure of one prompt text. Pure; all memo tables are local. */
export class ScheduleParser {
  private readonly n: number;
  /** Known group ends by start (-1: not a group); sparse, since only brackets are asked. */
  private readonly groupEnds = new Map<number, number>();
  readonly groups = new Map<number, BracketGroup>();

  constructor(readonly text: string) {
    this.n = text.length;
  }

  /** End of the greedy `plain` token at p (p when none matches). */
  plainEnd(p: number): number {
    const { text, n } = this;
    while (p < n) {
      const char = text[p]!;
      if (char === '\\') {
        // `\\.`: Python's `.` matches anything but a newline.
        if (p + 1 < n && text[p + 1] !== '\n') p += 2;
        else break;
      } else if (isSpecial(char)) break;
      else p++;
    }
    return Math.min(p, n);
  }

  /** End of the greedy WHITESPACE token at p (p when none). */
  spaceEnd(p: number): number {
    while (p < this.n && isPythonSpace(this.text[p]!)) p++;
    return p;
  }

  /** End of the next prompt item at p, or -1. */
  itemEnd(p: number): number {
    const char = this.text[p];
    if (char === '(' || char === '[') return this.groupEnd(p);
    const end = this.plainEnd(p);
    return end > p ? end : -1;
  }

  /** The furthest end of a prompt starting at p (the prompt is the maximal item sequence). */
  promptEnd(p: number): number {
    while (p < this.n) {
      const end = this.itemEnd(p);
      if (end < 0) break;
      p = end;
    }
    return p;
  }

  /** `":" [WHITESPACE] NUMBER [WHITESPACE] "]"` after the colon at q-1: returns [end, number] or undefined. */
  private numberTail(q: number): [number, string] | undefined {
    const start = this.spaceEnd(q);
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(this.text);
    if (match === null) return undefined;
    const after = this.spaceEnd(start + match[0].length);
    return this.text[after] === ']' ? [after + 1, match[0]] : undefined;
  }

  /** End of the emphasized/scheduled/alternate group starting at p, or -1. */
  groupEnd(p: number): number {
    const known = this.groupEnds.get(p);
    if (known !== undefined) return known;
    const group = this.parseGroup(p);
    if (group !== undefined) {
      this.groups.set(p, group);
      this.groupEnds.set(p, group.end);
      return group.end;
    }
    this.groupEnds.set(p, -1);
    return -1;
  }

  private parseGroup(p: number): BracketGroup | undefined {
    const { text } = this;
    const open = text[p];
    const q = this.promptEnd(p + 1);
    const make = (kind: BracketGroup['kind'], end: number, prompts: Array<[number, number]>, hasBefore = false, when = ''): BracketGroup => ({
      kind,
      start: p,
      end,
      prompts,
      hasBefore,
      when,
      dynamic: kind !== 'emphasis' || prompts.some(([a, b]) => this.hasDynamicItem(a, b)),
    });
    if (open === '(') {
      if (text[q] === ')') return make('emphasis', q + 1, [[p + 1, q]]);
      if (text[q] !== ':') return undefined;
      const r = this.promptEnd(q + 1);
      return text[r] === ')' ? make('emphasis', r + 1, [[p + 1, q], [q + 1, r]]) : undefined;
    }
    if (text[q] === ']') return make('emphasis', q + 1, [[p + 1, q]]);
    if (text[q] === '|') {
      const options: Array<[number, number]> = [[p + 1, q]];
      let bar = q;
      for (;;) {
        const r = this.promptEnd(bar + 1);
        options.push([bar + 1, r]);
        if (text[r] === '|') bar = r;
        else if (text[r] === ']') return make('alternate', r + 1, options);
        else return undefined;
      }
    }
    if (text[q] !== ':') return undefined;
    const direct = this.numberTail(q + 1);
    if (direct !== undefined) return make('scheduled', direct[0], [[p + 1, q]], false, direct[1]);
    const r = this.promptEnd(q + 1);
    if (text[r] !== ':') return undefined;
    const tail = this.numberTail(r + 1);
    return tail !== undefined ? make('scheduled', tail[0], [[p + 1, q], [q + 1, r]], true, tail[1]) : undefined;
  }

  /** Whether the prompt span [a, b) has a scheduled/alternate item (at any depth). */
  private hasDynamicItem(a: number, b: number): boolean {
    for (const group of this.itemGroups(a, b)) if (group.dynamic) return true;
    return false;
  }

  /** The group items (top level only) of the prompt span [a, b). */
  itemGroups(a: number, b: number): BracketGroup[] {
    const found: BracketGroup[] = [];
    let p = a;
    while (p < b) {
      const char = this.text[p];
      if (char === '(' || char === '[') {
        const end = this.groupEnd(p);
        if (end < 0) break;
        found.push(this.groups.get(p)!);
        p = end;
      } else {
        const end = this.plainEnd(p);
        if (end === p) break;
        p = end;
      }
    }
    return found;
  }

  /** The positions where a prompt starting at p may end (item boundaries, incl. p). */
  promptBoundaries(p: number): number[] {
    const boundaries = [p];
    while (p < this.n) {
      if (isPythonSpace(this.text[p]!)) {
        const spaceEnd = this.spaceEnd(p);
        const end = this.plainEnd(p);
        if (spaceEnd < end) boundaries.push(spaceEnd);
      }
      const end = this.itemEnd(p);
      if (end < 0) break;
      boundaries.push(end);
      p = end;
    }
    return boundaries;
  }

  /** Resolves the start rule as lark does (see the module comment). */
  parse(): ScheduleStructure {
    const { n, text } = this;
    // Groups are resolved right to left, so each one only looks up groups already known after it:
    // no recursion, whatever the nesting depth (A1111 itself accepts thousands of unclosed '(').
    for (let p = n - 1; p >= 0; p--) {
      const char = text[p];
      if (char === '(' || char === '[') this.groupEnd(p);
    }
    const wholeEnd = this.promptEnd(0);
    if (wholeEnd === n) {
      return { ok: true, pieces: n > 0 ? [{ kind: 'prompt', start: 0, end: n }] : [], groups: this.groups, ambiguities: [] };
    }
    return new StartResolver(this).resolve();
  }

}
