/**
 * `${name}` expansion: a prompt text with every fragment reference replaced by the fragment's own
 * (expanded) text, and a source map from the result back to the document.
 *
 * A character that comes from a fragment of the same document maps to its place in the fragment's
 * definition (so a diagnostic on it points where it can be fixed); a character from a fragment of an
 * included file maps to the `$` of the reference. Unknown names and cycles are reported at the
 * reference, whose text is then left as written.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { closestName } from '../grammar/did-you-mean.js';
import type { FragmentNode, FragmentRefNode, PromptNode, PromptText } from '../grammar/ast.js';
import { allocateSourceMap, textIndexOf } from '../grammar/source-map.js';

export interface FragmentDefinition {
  node: FragmentNode;
  /** Path of the included file that defines it; undefined for the document itself. */
  file?: string;
}

export interface ExpandedText {
  text: string;
  sourceMap: Int32Array;
}

/** Fragment references anywhere in a prompt body, in textual order. */
export function fragmentRefs(body: PromptNode[], into: FragmentRefNode[] = []): FragmentRefNode[] {
  for (const node of body) {
    switch (node.kind) {
      case 'fragment-ref':
        into.push(node);
        break;
      case 'emphasis':
        fragmentRefs(node.body, into);
        break;
      case 'schedule':
        if (node.from) fragmentRefs(node.from, into);
        fragmentRefs(node.to, into);
        break;
      case 'alternation':
        for (const option of node.options) fragmentRefs(option, into);
        break;
      default:
        break;
    }
  }
  return into;
}

/** Copies from[start, end) to `to` at `at`; returns the index after the copy. */
function copyMap(from: Int32Array, start: number, end: number, to: Int32Array, at: number): number {
  // A plain loop: `to.set(from.subarray(…))` allocates a view per call, which cost more than the
  // copy itself for prompt-sized runs.
  for (let i = start; i < end; i++) to[at + i - start] = from[i]!;
  return at + (end - start);
}

export class FragmentExpander {
  private readonly cache = new Map<FragmentNode, ExpandedText>();

  constructor(
    private readonly fragments: ReadonlyMap<string, FragmentDefinition>,
    private readonly diagnostics: Diagnostic[],
  ) {}

  expand(prompt: PromptText): ExpandedText {
    return this.expandIn(prompt, [], undefined);
  }

  /** `stack` holds the fragments being expanded (for cycles); `file` is where `prompt` is defined. */
  private expandIn(prompt: PromptText, stack: FragmentNode[], file: string | undefined): ExpandedText {
    // A reference is written `${name}`: without that pair in the text there is no tree to walk.
    if (!prompt.text.includes('${')) return { text: prompt.text, sourceMap: prompt.sourceMap };
    const refs = fragmentRefs(prompt.body);
    if (refs.length === 0) return { text: prompt.text, sourceMap: prompt.sourceMap };
    // Resolve first, then copy once into arrays of the final size (a flat string and no regrowth).
    const parts: Array<{ start: number; end: number; replacement: ExpandedText }> = [];
    let length = prompt.text.length;
    for (const ref of refs) {
      const replacement = this.resolve(ref, stack, file);
      if (!replacement) continue;
      const start = textIndexOf(prompt.sourceMap, ref.range.start.offset);
      const end = start + ref.name.length + 3;
      parts.push({ start, end, replacement });
      length += replacement.text.length - (end - start);
    }
    if (parts.length === 0) return { text: prompt.text, sourceMap: prompt.sourceMap };
    const pieces: string[] = [];
    const sourceMap = allocateSourceMap(length + 1);
    let index = 0;
    let copied = 0;
    for (const { start, end, replacement } of parts) {
      pieces.push(prompt.text.slice(copied, start), replacement.text);
      index = copyMap(prompt.sourceMap, copied, start, sourceMap, index);
      index = copyMap(replacement.sourceMap, 0, replacement.text.length, sourceMap, index);
      copied = end;
    }
    pieces.push(prompt.text.slice(copied));
    copyMap(prompt.sourceMap, copied, prompt.text.length + 1, sourceMap, index);
    return { text: pieces.join(''), sourceMap };
  }

  private resolve(ref: FragmentRefNode, stack: FragmentNode[], file: string | undefined): ExpandedText | undefined {
    const definition = this.fragments.get(ref.name);
    if (!definition) {
      const guess = closestName(ref.name, this.fragments.keys());
      this.report(file, {
        code: 'fragment/unknown',
        severity: 'error',
        message: `No fragment named '${ref.name}'${guess ? ` (did you mean '${guess}'?)` : ''}. Define it with '@fragment ${ref.name}'.`,
        range: ref.nameRange,
        ...(guess
          ? { suggestions: [{ title: `Change to '${guess}'`, edits: [{ start: ref.nameRange.start.offset, end: ref.nameRange.end.offset, newText: guess }] }] }
          : {}),
      });
      return undefined;
    }
    if (stack.includes(definition.node)) {
      const path = [...stack.slice(stack.indexOf(definition.node)), definition.node].map((node) => node.name).join(' → ');
      this.report(file, {
        code: 'fragment/cycle',
        severity: 'error',
        message: `Fragment '${ref.name}' refers to itself (${path}); the reference is left as written.`,
        range: ref.nameRange,
      });
      return undefined;
    }
    let expanded = this.cache.get(definition.node);
    if (!expanded) {
      expanded = this.expandIn(definition.node.text, [...stack, definition.node], definition.file);
      // Only a complete expansion (not cut short by a cycle up the stack) may be reused.
      if (stack.length === 0) this.cache.set(definition.node, expanded);
    }
    if (definition.file === file) return expanded;
    // Text from another file maps to the reference itself.
    const at = ref.range.start.offset;
    return { text: expanded.text, sourceMap: allocateSourceMap(expanded.text.length + 1).fill(at) };
  }

  private report(file: string | undefined, diagnostic: Diagnostic): void {
    if (file !== undefined) diagnostic.file = file;
    this.diagnostics.push(diagnostic);
  }
}
