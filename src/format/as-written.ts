/**
 * Which prompt texts and brackets the printer leaves exactly as written, because the syntax tree
 * cannot show how A1111 will read them (see docs/formatting.md, "Printed exactly as written").
 * Each case was found by the meaning property test (tests/format/properties.test.ts) and is
 * explained where it is checked.
 */
import type { PromptNode, PromptText } from '../grammar/ast.js';

/**
 * True when A1111's reading of these nodes hinges on lark's tie-breaking, so that even whitespace
 * next to a bracket can change it: a node rebuilt by error recovery, an unclosed bracket (also
 * one around an AND), a stray closer, or brackets that A1111's schedule grammar cannot take as a
 * group (`[a:b:c:d]`, `(a:b:c)`), which lark then reads as literal characters in more than one way
 * (src/semantics/a1111/scheduleGrammar.ts). Such prompt texts are left as written; the linter
 * reports all of these.
 */
export function isFragile(nodes: readonly PromptNode[]): boolean {
  for (const node of nodes) {
    if (node.recovered) return true;
    switch (node.kind) {
      case 'error':
        return true;
      case 'network':
        // `<lora:\(…`: the tree ends the open tag before `(`, but the backslash escapes it.
        if (!node.closed && /(^|[^\\])(\\\\)*\\$/.test(node.args.map((arg) => arg.raw).join(':'))) return true;
        break;
      case 'emphasis': {
        // Brackets around an AND: A1111 splits on AND first (prompt_parser.py
        // get_multicond_prompt_list), so each part holds one unclosed bracket.
        if (!node.closed || containsAnd(node.body)) return true;
        const colons = node.body.filter((child) => child.kind === 'text' && (child.raw === ':' || child.raw === '|')).length;
        if (node.bracket === 'square' ? colons > 0 : colons > 0 && node.weight !== undefined) return true;
        if (node.bracket === 'round' && colons > 1) return true;
        if (isFragile(node.body)) return true;
        break;
      }
      case 'schedule':
        if ((node.from && isFragile(node.from)) || isFragile(node.to) || node.when.recovered) return true;
        break;
      case 'alternation':
        if (node.options.some(isFragile)) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

/** Every node of a body, depth first. */
function* allNodes(nodes: readonly PromptNode[]): Generator<PromptNode> {
  for (const node of nodes) {
    yield node;
    if (node.kind === 'emphasis') yield* allNodes(node.body);
    else if (node.kind === 'schedule') {
      if (node.from) yield* allNodes(node.from);
      yield* allNodes(node.to);
    } else if (node.kind === 'alternation') for (const option of node.options) yield* allNodes(option);
  }
}

/**
 * Fragment expansion pastes text before A1111 looks for extra-network tags, so a tag can form
 * across a `${name}`: `<lora:` in one text and `>` in another. The whitespace in between would
 * then be part of the tag's arguments. Text where that can happen is left as written: a prompt
 * with a `${reference}` and a loose `>` or an open `<type:`, and a fragment body with either.
 * So is a fragment body that ends with an AND weight, which only the place of use makes one.
 */
export function mayFormTagAcrossFragments(prompt: PromptText, fragmentBody: boolean): boolean {
  if (!fragmentBody && !prompt.text.includes('${')) return false;
  const nodes = prompt.body;
  let reference = false;
  let looseGreater = false;
  let openTag = false;
  for (const node of allNodes(nodes)) {
    // `:0.50` ends a fragment body, but is plain text wherever `${name}` is followed by more text.
    if (node.kind === 'and-weight' && fragmentBody) return true;
    if (node.kind === 'fragment-ref') reference = true;
    else if ((node.kind === 'text' || node.kind === 'error') && node.raw.includes('>')) looseGreater = true;
    else if (node.kind === 'network' && !node.closed) openTag = true;
  }
  // An open `<type:` closes at a `>` of a fragment; a loose `>` closes a fragment's open tag.
  return (openTag && (reference || fragmentBody)) || (looseGreater && (reference || fragmentBody));
}

/**
 * `\<lora:…>`: A1111 strips the tag first (modules/extra_networks.py), so the backslash then
 * escapes whatever follows the tag, which the tree cannot show. Such text is left as written.
 */
/**
 * `(a :0.5<lora:x:1>)`: once A1111 strips the tag, `:0.5)` closes the bracket with a weight, which
 * the tree (read before stripping) cannot show. Such text is left as written.
 */
export const WEIGHT_ACROSS_TAG = /:\s*[+-]?[.\d]*\s*(?:<[\p{L}\p{N}_]+:[^>]+>\s*)+[.\d]*\s*\)/u;

export const ESCAPED_NETWORK = /\\<[\p{L}\p{N}_]+:[^>]+>/u;

/** True when an AND keyword sits anywhere inside these nodes. */
export function containsAnd(nodes: readonly PromptNode[]): boolean {
  return nodes.some((node) => {
    switch (node.kind) {
      case 'and':
        return true;
      case 'emphasis':
        return containsAnd(node.body);
      case 'schedule':
        return (node.from !== undefined && containsAnd(node.from)) || containsAnd(node.to);
      case 'alternation':
        return node.options.some(containsAnd);
      default:
        return false;
    }
  });
}

/**
 * A1111 strips extra-network tags before it splits on `\bAND\b` and `\bBREAK\b`
 * (modules/extra_networks.py runs first), so a tag written right against a keyword can make the
 * keyword part of a word: `:.5<lora:x:1>AND` is the plain text `:.5AND` to A1111, while the tree,
 * read before stripping, shows an AND weight and an AND. Such text is left as written.
 */
export function hasTagAgainstKeyword(nodes: readonly PromptNode[]): boolean {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.kind === 'network' && node.closed) {
      const before = nodes[i - 1]?.kind;
      const after = nodes[i + 1]?.kind;
      if (before === 'and' || before === 'break' || before === 'and-weight' || after === 'and' || after === 'break') return true;
    }
    if (node.kind === 'emphasis' && hasTagAgainstKeyword(node.body)) return true;
    if (node.kind === 'schedule' && ((node.from !== undefined && hasTagAgainstKeyword(node.from)) || hasTagAgainstKeyword(node.to))) return true;
    if (node.kind === 'alternation' && node.options.some(hasTagAgainstKeyword)) return true;
  }
  return false;
}

/**
 * Names of the fragments whose text ends up inside an extra-network tag somewhere in this file:
 * referenced in a tag's arguments (`<lora:${name}:0.6>`), or in a text with an open `<type:` that a
 * `>` of the fragment may close. A1111 passes tag arguments on as raw strings, so such fragments
 * (and the fragments they use) are printed as written. Uses in files that include this one are not
 * known here (docs/formatting.md).
 */
export function fragmentsInsideTags(texts: readonly PromptText[], fragments: ReadonlyMap<string, PromptText>): Set<string> {
  const inside = new Set<string>();
  const add = (name: string): void => {
    if (inside.has(name)) return;
    inside.add(name);
    const body = fragments.get(name);
    if (body) for (const node of allNodes(body.body)) if (node.kind === 'fragment-ref') add(node.name);
  };
  for (const text of texts) {
    if (!text.text.includes('${')) continue;
    let openTag = false;
    const references: string[] = [];
    for (const node of allNodes(text.body)) {
      if (node.kind === 'fragment-ref') references.push(node.name);
      else if (node.kind === 'network') {
        if (!node.closed) openTag = true;
        for (const arg of node.args) for (const match of arg.raw.matchAll(/\$\{([^}]*)\}/g)) add(match[1]!);
      }
    }
    if (openTag) for (const name of references) add(name);
  }
  return inside;
}

/**
 * Names of the fragments that change the bracket structure where they are pasted: they hold an
 * `AND` (A1111 splits on it before anything else), or brackets that do not balance (a `)` in the
 * fragment closes a `(` of the text that uses it). Directly or through other fragments.
 */
export function fragmentsThatReshape(fragments: ReadonlyMap<string, PromptText>): Set<string> {
  return fragmentsWhere(fragments, (body) => isFragile(body.body) || [...allNodes(body.body)].some((node) => node.kind === 'and'));
}

function fragmentsWhere(fragments: ReadonlyMap<string, PromptText>, test: (body: PromptText) => boolean): Set<string> {
  const result = new Set<string>();
  const visiting = new Set<string>();
  const matches = (name: string): boolean => {
    if (result.has(name)) return true;
    const body = fragments.get(name);
    if (!body || visiting.has(name)) return false;
    visiting.add(name);
    let found = false;
    if (test(body)) found = true;
    for (const node of allNodes(body.body)) {
      if (node.kind === 'fragment-ref' && matches(node.name)) found = true;
    }
    visiting.delete(name);
    if (found) result.add(name);
    return found;
  };
  for (const name of fragments.keys()) matches(name);
  return result;
}

/** True when the text uses one of `names` as `${name}`. */
export function usesAnyOf(text: PromptText, names: ReadonlySet<string>): boolean {
  if (names.size === 0 || !text.text.includes('${')) return false;
  for (const node of allNodes(text.body)) if (node.kind === 'fragment-ref' && names.has(node.name)) return true;
  return false;
}
