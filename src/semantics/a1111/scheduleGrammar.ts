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
  /** Known group ends by start (-1: not a group); sparse, since only brackets are asked. */
  private readonly groupEnds = new Map<number, number>();
  readonly groups = new Map<number, BracketGroup>();
  private readonly signatures = new Map<number, number>();

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
    return this.resolveStart();
  }

  /**
   * The start-level resolution in one left-to-right pass. Prompt pieces follow item chains (each
   * position has one greedy next item, plus a whitespace-token boundary), so "prompt(j, k) is
   * valid" means j is an ancestor of k on those chains. Instead of listing every candidate j for
   * every end k, each position carries an aggregate over its reachable ancestors: whether 0 is one
   * (order 0), the largest (our pick), and the min/max of `signature[j] + suffix(j)` (all
   * candidates give the same reading iff min == max) plus whether any is itself ambiguous.
   */
  private resolveStart(): ScheduleStructure {
    const { n, text } = this;
    const suffix = this.dynamicSuffixSums();
    const reachable = filled(n + 1, 0);
    reachable[0] = 1;
    const choice = filled(n + 1, -1);
    const choiceKind = filled(n + 1, 0); // 0 whole prompt, 1 all literal, 2 star+prompt, 3 star+literal
    const signature = filled(n + 1, 0);
    const ambiguous = filled(n + 1, 0);
    const tied = filled(n + 1, 0);
    // Aggregates over reachable chain ancestors of each position.
    const anyAncestor = filled(n + 1, 0);
    const zeroAncestor = filled(n + 1, 0);
    const maxAncestor = filled(n + 1, -1);
    const minValue = filled(n + 1, Infinity);
    const maxValue = filled(n + 1, -Infinity);
    const ambiguousAncestor = filled(n + 1, 0);
    // Literal-run aggregate (order 3 candidates), reset at every non-literal character.
    let runAny = false;
    let runMin = Infinity;
    let runMax = -Infinity;
    let runAmbiguous = false;
    let runStart = 0;

    const propagate = (from: number, to: number, self: boolean): void => {
      if (self) {
        anyAncestor[to] = 1;
        if (from === 0) zeroAncestor[to] = 1;
        if (from > maxAncestor[to]!) maxAncestor[to] = from;
        const value = signature[from]! + suffix(from);
        if (value < minValue[to]!) minValue[to] = value;
        if (value > maxValue[to]!) maxValue[to] = value;
        if (ambiguous[from]) ambiguousAncestor[to] = 1;
      }
      if (anyAncestor[from]) {
        anyAncestor[to] = 1;
        if (zeroAncestor[from]) zeroAncestor[to] = 1;
        if (maxAncestor[from]! > maxAncestor[to]!) maxAncestor[to] = maxAncestor[from]!;
        if (minValue[from]! < minValue[to]!) minValue[to] = minValue[from]!;
        if (maxValue[from]! > maxValue[to]!) maxValue[to] = maxValue[from]!;
        if (ambiguousAncestor[from]) ambiguousAncestor[to] = 1;
      }
    };

    for (let k = 0; k <= n; k++) {
      if (k > 0) {
        const literalBefore = isLiteralBracket(text[k - 1]);
        if (literalBefore && reachable[k - 1]) {
          runAny = true;
          const value = signature[k - 1]!;
          if (value < runMin) runMin = value;
          if (value > runMax) runMax = value;
          if (ambiguous[k - 1]) runAmbiguous = true;
        } else if (!literalBefore) {
          runStart = k;
          runAny = false;
          runMin = Infinity;
          runMax = -Infinity;
          runAmbiguous = false;
        }
        if (anyAncestor[k] || runAny) reachable[k] = 1;
        if (reachable[k]) this.resolveEnd(k, { zeroAncestor, maxAncestor, minValue, maxValue, ambiguousAncestor, anyAncestor }, { runAny, runMin, runMax, runAmbiguous, runStart }, { choice, choiceKind, signature, ambiguous, tied }, suffix);
      }
      if (k === n) break;
      // Only chain positions (item boundaries) propagate anything; skipping the rest keeps this
      // linear (itemEnd inside a long plain run would rescan the run).
      if (!reachable[k] && !anyAncestor[k]) continue;
      // Successors of k on the item chains: the whitespace-token boundary and the next item's end.
      const end = this.itemEnd(k);
      if (end < 0) continue;
      const self = reachable[k] === 1;
      if (SPACE.test(text[k]!)) {
        const spaceEnd = this.spaceEnd(k);
        if (spaceEnd < end) propagate(k, spaceEnd, self);
      }
      propagate(k, end, self);
    }
    if (!reachable[n]) return { ok: false, pieces: [], groups: this.groups, ambiguities: [] };

    const pieces: StartPiece[] = [];
    const ambiguities: StartAmbiguity[] = [];
    let k = n;
    while (k > 0) {
      const kind = choiceKind[k]!;
      const j = choice[k]!;
      if (tied[k]) {
        const tie = this.describeTie(this.candidates(k, kind, reachable), k, kind === 2, choice, choiceKind);
        // Nested prefixes often tie over the same groups; report each structure once.
        if (!ambiguities.some((a) => a.start === tie.start && a.end === tie.end)) ambiguities.push(tie);
      }
      pieces.push({ kind: kind === 0 || kind === 2 ? 'prompt' : 'literal', start: j, end: k });
      if (kind <= 1) break;
      k = j;
    }
    pieces.reverse();
    if (ambiguous[n] && ambiguities.length === 0) ambiguities.push({ start: 0, end: n, groups: [], chosen: [] });
    return { ok: true, pieces, groups: this.groups, ambiguities: ambiguities.reverse() };
  }

  /** Picks the packed node lark would try first for `star(0, k)` (see the module comment). */
  private resolveEnd(
    k: number,
    chains: { zeroAncestor: number[]; maxAncestor: number[]; minValue: number[]; maxValue: number[]; ambiguousAncestor: number[]; anyAncestor: number[] },
    run: { runAny: boolean; runMin: number; runMax: number; runAmbiguous: boolean; runStart: number },
    out: { choice: number[]; choiceKind: number[]; signature: number[]; ambiguous: number[]; tied: number[] },
    suffix: (p: number) => number,
  ): void {
    const { text } = this;
    if (chains.zeroAncestor[k]) {
      out.choiceKind[k] = 0;
      out.choice[k] = 0;
      out.signature[k] = suffix(0) - suffix(k);
      return;
    }
    if (run.runStart === 0 && isLiteralBracket(text[k - 1])) {
      out.choiceKind[k] = 1;
      out.choice[k] = 0;
      return;
    }
    let differs: boolean;
    let inherited: boolean;
    if (chains.anyAncestor[k]) {
      const j = chains.maxAncestor[k]!;
      out.choiceKind[k] = 2;
      out.choice[k] = j;
      out.signature[k] = out.signature[j]! + suffix(j) - suffix(k);
      differs = chains.minValue[k] !== chains.maxValue[k];
      inherited = chains.ambiguousAncestor[k] === 1;
    } else {
      const j = k - 1;
      out.choiceKind[k] = 3;
      out.choice[k] = j;
      out.signature[k] = out.signature[j]!;
      differs = run.runMin !== run.runMax;
      inherited = run.runAmbiguous;
    }
    if (differs) out.tied[k] = 1;
    out.ambiguous[k] = differs || inherited ? 1 : 0;
  }

  /** The tied split points of `star(0, k)` (only computed to describe an ambiguity). */
  private candidates(k: number, kind: number, reachable: number[]): number[] {
    const found: number[] = [];
    if (kind === 3) {
      for (let j = k - 1; j >= 0 && isLiteralBracket(this.text[j]); j--) if (reachable[j]) found.push(j);
      return found.reverse();
    }
    for (let j = 1; j < k; j++) if (reachable[j] && this.promptBoundaries(j).includes(k)) found.push(j);
    return found;
  }

  /**
   * Signature of the scheduled/alternate groups inside `group` (itself included), at any depth.
   * Everything else is copied verbatim into every step's text, so two readings give the same
   * output exactly when they contain the same scheduled/alternate groups: an emphasis group and the
   * same brackets read as literal characters print alike.
   */
  private deepSignature(group: BracketGroup): number {
    const known = this.signatures.get(group.start);
    if (known !== undefined) return known;
    let sum = group.kind === 'emphasis' ? 0 : groupHash(group.start);
    for (const [a, b] of group.prompts) for (const inner of this.itemGroups(a, b)) if (inner.dynamic) sum += this.deepSignature(inner);
    this.signatures.set(group.start, sum);
    return sum;
  }

  /** The scheduled/alternate groups inside `group` (itself included), at any depth. */
  private collectActive(group: BracketGroup, into: Set<number>): void {
    if (group.kind !== 'emphasis') into.add(group.start);
    for (const [a, b] of group.prompts) for (const inner of this.itemGroups(a, b)) if (inner.dynamic) this.collectActive(inner, into);
  }

  /** suffix(p): signature of the dynamic group items on the prompt chain from p. */
  private dynamicSuffixSums(): (p: number) => number {
    const memo = filled(this.n + 1, Number.NaN);
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
        if (group !== undefined && group.dynamic && this.itemEnd(at) === group.end) sum += this.deepSignature(group);
        memo[at] = sum;
      }
      return memo[p]!;
    };
  }

  /** The dynamic groups on which tied interpretations ending at k disagree. */
  private describeTie(candidates: number[], k: number, prompt: boolean, choice: number[], choiceKind: number[]): StartAmbiguity {
    const groupsOf = (j: number): Set<number> => {
      const found = new Set<number>();
      const addPrompt = (a: number, b: number) => {
        for (const group of this.itemGroups(a, b)) if (group.dynamic) this.collectActive(group, found);
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
    const picked = sets[candidates.indexOf(choice[k]!)] ?? new Set<number>();
    const chosen = differing.map((start) => picked.has(start));
    const start = groups.length > 0 ? Math.min(...groups.map((g) => g.start)) : candidates[0]!;
    const end = groups.length > 0 ? Math.max(...groups.map((g) => g.end)) : k;
    return { start, end, groups, chosen };
  }
}

/**
 * A plain array filled with `value`. Typed arrays would be natural, but one parse allocates a dozen
 * of them and their off-heap backing stores made garbage collection dominate the run time.
 */
function filled(length: number, value: number): number[] {
  return new Array<number>(length).fill(value);
}

/** A well-mixed 32-bit hash of a group position, for signatures. */
function groupHash(position: number): number {
  let h = Math.imul(position + 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) + 1;
}
