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
 *     longest prefix (the latest split point) and report the tie when the candidates differ.
 */

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
const SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

function isSpecial(char: string): boolean {
  return char === '\\' || char === '[' || char === ']' || char === '(' || char === ')' || char === ':' || char === '|';
}

function isLiteralBracket(char: string | undefined): boolean {
  return char === '[' || char === ']' || char === '(' || char === ')' || char === ':';
}

/** Parses the bracket structure of one prompt text. Pure; all memo tables are local. */
export class ScheduleParser {
  private readonly n: number;
  /** -2 unknown, -1 not a group, else the group's end. */
  private readonly groupEnds: Int32Array;
  readonly groups = new Map<number, BracketGroup>();

  constructor(readonly text: string) {
    this.n = text.length;
    this.groupEnds = new Int32Array(this.n).fill(-2);
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
    while (p < this.n && SPACE.test(this.text[p]!)) p++;
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
    const known = this.groupEnds[p]!;
    if (known !== -2) return known;
    const group = this.parseGroup(p);
    if (group !== undefined) {
      this.groups.set(p, group);
      this.groupEnds[p] = group.end;
      return group.end;
    }
    this.groupEnds[p] = -1;
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
  *itemGroups(a: number, b: number): Generator<BracketGroup> {
    let p = a;
    while (p < b) {
      const char = this.text[p];
      if (char === '(' || char === '[') {
        const end = this.groupEnd(p);
        if (end < 0) return;
        yield this.groups.get(p)!;
        p = end;
      } else {
        const end = this.plainEnd(p);
        if (end === p) return;
        p = end;
      }
    }
  }

  /** The positions where a prompt starting at p may end (item boundaries, incl. p). */
  promptBoundaries(p: number): number[] {
    const boundaries = [p];
    while (p < this.n) {
      if (SPACE.test(this.text[p]!)) {
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
    const { n } = this;
    const wholeEnd = this.promptEnd(0);
    if (wholeEnd === n) {
      return { ok: true, pieces: n > 0 ? [{ kind: 'prompt', start: 0, end: n }] : [], groups: this.groups, ambiguities: [] };
    }
    return this.resolveStart();
  }

  private resolveStart(): ScheduleStructure {
    const { n, text } = this;
    const reachable = new Uint8Array(n + 1);
    reachable[0] = 1;
    /** promptStarts[k]: reachable j < k with prompt(j, k) valid. */
    const promptStarts: number[][] = Array.from({ length: n + 1 }, () => []);
    for (let j = 0; j < n; j++) {
      if (!reachable[j]) continue;
      for (const k of this.promptBoundaries(j)) {
        if (k > j) {
          promptStarts[k]!.push(j);
          reachable[k] = 1;
        }
      }
      if (isLiteralBracket(text[j])) reachable[j + 1] = 1;
    }
    if (!reachable[n]) return { ok: false, pieces: [], groups: this.groups, ambiguities: [] };

    // Per end k: chosen split, whether its candidates disagree, and a signature of the dynamic
    // groups the interpretation contains (sum of per-group hashes; equal sets ⇔ equal sums).
    const choice = new Int32Array(n + 1).fill(-1);
    const choiceKind = new Uint8Array(n + 1); // 0 whole prompt, 1 all literal, 2 star+prompt, 3 star+literal
    const signature = new Float64Array(n + 1);
    const ambiguous = new Uint8Array(n + 1);
    const tiedAt = new Map<number, number[]>();
    const suffix = this.dynamicSuffixSums();
    const promptSignature = (j: number, k: number): number => suffix(j) - suffix(k);

    for (let k = 1; k <= n; k++) {
      if (!reachable[k]) continue;
      const starts = promptStarts[k]!;
      if (starts.length > 0 && starts[0] === 0) {
        choiceKind[k] = 0;
        choice[k] = 0;
        signature[k] = promptSignature(0, k);
        continue;
      }
      let literalStart = k;
      while (literalStart > 0 && isLiteralBracket(text[literalStart - 1])) literalStart--;
      if (literalStart === 0) {
        choiceKind[k] = 1;
        choice[k] = 0;
        continue;
      }
      let candidates: number[];
      let kind: number;
      if (starts.length > 0) {
        candidates = starts;
        kind = 2;
      } else {
        candidates = [];
        for (let j = literalStart; j < k; j++) if (reachable[j]) candidates.push(j);
        kind = 3;
      }
      const sign = (j: number): number => signature[j]! + (kind === 2 ? promptSignature(j, k) : 0);
      const chosen = candidates[candidates.length - 1]!;
      choiceKind[k] = kind;
      choice[k] = chosen;
      signature[k] = sign(chosen);
      let differs = false;
      let inherited = false;
      for (const j of candidates) {
        if (sign(j) !== signature[k]) differs = true;
        if (ambiguous[j]) inherited = true;
      }
      if (differs) tiedAt.set(k, candidates);
      ambiguous[k] = differs || inherited ? 1 : 0;
    }

    const pieces: StartPiece[] = [];
    const ambiguities: StartAmbiguity[] = [];
    let k = n;
    while (k > 0) {
      const kind = choiceKind[k]!;
      const j = choice[k]!;
      const tied = tiedAt.get(k);
      if (tied !== undefined) ambiguities.push(this.describeTie(tied, k, kind === 2, choice, choiceKind));
      pieces.push({ kind: kind === 0 || kind === 2 ? 'prompt' : 'literal', start: j, end: k });
      if (kind <= 1) break;
      k = j;
    }
    pieces.reverse();
    if (ambiguous[n] && ambiguities.length === 0) ambiguities.push({ start: 0, end: n, groups: [] });
    return { ok: true, pieces, groups: this.groups, ambiguities: ambiguities.reverse() };
  }

  /** suffix(p): signature of the dynamic group items on the prompt chain from p. */
  private dynamicSuffixSums(): (p: number) => number {
    const memo = new Float64Array(this.n + 1).fill(Number.NaN);
    memo[this.n] = 0;
    return (p: number): number => {
      const chain: number[] = [];
      let q = p;
      let sum = 0;
      for (;;) {
        if (!Number.isNaN(memo[q]!)) {
          sum = memo[q]!;
          break;
        }
        chain.push(q);
        const end = this.itemEnd(q);
        if (end < 0) break;
        q = end;
      }
      for (let i = chain.length - 1; i >= 0; i--) {
        const at = chain[i]!;
        const group = this.groups.get(at);
        if (group !== undefined && group.dynamic && this.itemEnd(at) === group.end) sum += groupHash(at);
        memo[at] = sum;
      }
      return memo[p]!;
    };
  }

  /** The dynamic groups on which tied interpretations ending at k disagree. */
  private describeTie(candidates: number[], k: number, prompt: boolean, choice: Int32Array, choiceKind: Uint8Array): StartAmbiguity {
    const groupsOf = (j: number): Set<number> => {
      const found = new Set<number>();
      const addPrompt = (a: number, b: number) => {
        for (const group of this.itemGroups(a, b)) if (group.dynamic) found.add(group.start);
      };
      if (prompt) addPrompt(j, k);
      let end = j;
      while (end > 0) {
        const kind = choiceKind[end]!;
        const start = choice[end]!;
        if (kind === 0 || kind === 2) addPrompt(start, end);
        if (kind <= 1) break;
        end = start;
      }
      return found;
    };
    const sets = candidates.map(groupsOf);
    const all = new Set<number>();
    for (const set of sets) for (const start of set) all.add(start);
    const differing = [...all].filter((start) => !sets.every((set) => set.has(start))).sort((a, b) => a - b);
    const groups = differing.map((start) => this.groups.get(start)!);
    const start = groups.length > 0 ? Math.min(...groups.map((g) => g.start)) : candidates[0]!;
    const end = groups.length > 0 ? Math.max(...groups.map((g) => g.end)) : k;
    return { start, end, groups };
  }
}

/** A well-mixed 32-bit hash of a group position, for signatures. */
function groupHash(position: number): number {
  let h = Math.imul(position + 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) + 1;
}
