/**
 * The `start`-level resolution of A1111's schedule grammar (see ./scheduleGrammar.ts for the
 * grammar). lark 1.1.2 sorts the packed nodes of `__start_star_1` by (is_empty, -priority,
 * rule.order) (lark/parsers/earley_forest.py `PackedNode.sort_key`; rules printed from lark's
 * compiled grammar): `prompt` (0), `__start_plus_0` (1), `__start_star_1 prompt` (2),
 * `__start_star_1 __start_plus_0` (3). Split points of the same rule tie, and Python's stable sort
 * leaves them in set order, i.e. PYTHONHASHSEED order. This module reproduces the deterministic
 * part, picks the latest split point on ties, and reports ties whose readings differ.
 */
import { isPythonSpace } from './pythonText.js';
import type { BracketGroup, ScheduleParser, ScheduleStructure, StartAmbiguity, StartPiece } from './scheduleGrammar.js';

/** `/[][():]/`: the characters `start` accepts as one-character literal tokens. */
function isLiteralBracket(char: string | undefined): boolean {
  return char === '[' || char === ']' || char === '(' || char === ')' || char === ':';
}

export class StartResolver {
  private readonly n: number;
  private readonly text: string;
  private readonly signatures = new Map<number, number>();

  constructor(private readonly parser: ScheduleParser) {
    this.text = parser.text;
    this.n = parser.text.length;
  }

  /**
   * The start-level resolution in one left-to-right pass. Prompt pieces follow item chains (each
   * position has one greedy next item, plus a whitespace-token boundary), so "prompt(j, k) is
   * valid" means j is an ancestor of k on those chains. Instead of listing every candidate j for
   * every end k, each position carries an aggregate over its reachable ancestors: whether 0 is one
   * (order 0), the largest (our pick), and the min/max of `signature[j] + suffix(j)` (all
   * candidates give the same reading iff min == max) plus whether any is itself ambiguous.
   */
  resolve(): ScheduleStructure {
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
      const end = this.parser.itemEnd(k);
      if (end < 0) continue;
      const self = reachable[k] === 1;
      if (isPythonSpace(text[k]!)) {
        const spaceEnd = this.parser.spaceEnd(k);
        if (spaceEnd < end) propagate(k, spaceEnd, self);
      }
      propagate(k, end, self);
    }
    if (!reachable[n]) return { ok: false, pieces: [], groups: this.parser.groups, ambiguities: [] };

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
    return { ok: true, pieces, groups: this.parser.groups, ambiguities: ambiguities.reverse() };
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
    for (let j = 1; j < k; j++) if (reachable[j] && this.parser.promptBoundaries(j).includes(k)) found.push(j);
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
    for (const [a, b] of group.prompts) for (const inner of this.parser.itemGroups(a, b)) if (inner.dynamic) sum += this.deepSignature(inner);
    this.signatures.set(group.start, sum);
    return sum;
  }

  /** The scheduled/alternate groups inside `group` (itself included), at any depth. */
  private collectActive(group: BracketGroup, into: Set<number>): void {
    if (group.kind !== 'emphasis') into.add(group.start);
    for (const [a, b] of group.prompts) for (const inner of this.parser.itemGroups(a, b)) if (inner.dynamic) this.collectActive(inner, into);
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
        const end = this.parser.itemEnd(q);
        if (end < 0) break;
        q = end;
      }
      for (let i = chain.length - 1; i >= 0; i--) {
        const at = chain[i]!;
        const group = this.parser.groups.get(at);
        if (group !== undefined && group.dynamic && this.parser.itemEnd(at) === group.end) sum += this.deepSignature(group);
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
        for (const group of this.parser.itemGroups(a, b)) if (group.dynamic) this.collectActive(group, found);
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
    const groups = differing.map((start) => this.parser.groups.get(start)!);
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
