/**
 * Fidelity of the ComfyUI lowering: for every prompt, the weights ComfyUI computes from the
 * emitted CLIPTextEncode texts (helper C's comfyTokenWeights, ComfyUI's own rules) equal A1111's
 * effective weights (helper A's parsePromptAttention) within 1e-4, character by character.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IrChunk } from '../../src/compile/ir.js';
import { emitComfyText } from '../../src/engines/comfyui.js';
import { A1111Error, parsePromptAttention } from '../../src/semantics/a1111/index.js';
import { comfyTokenWeights } from '../../src/semantics/comfyui.js';

/** A1111's chunks: parse_prompt_attention split at its BREAK entries. */
function a1111Chunks(prompt: string): IrChunk[] | undefined {
  let segments;
  try {
    segments = parsePromptAttention(prompt);
  } catch (error) {
    if (error instanceof A1111Error) return undefined; // A1111 itself fails: nothing to compare
    throw error;
  }
  const chunks: IrChunk[] = [[]];
  for (const segment of segments) {
    if (segment.text === 'BREAK' && segment.weight === -1) chunks.push([]);
    else if (segment.text !== '') chunks.at(-1)!.push({ text: segment.text, weight: segment.weight });
  }
  return chunks;
}

/** Non-whitespace characters with their weights (both engines split words on whitespace). */
function weighted(pairs: Array<[string, number]>): Array<[string, number]> {
  return pairs.flatMap(([text, weight]) => [...text].filter((c) => !/\s/.test(c)).map((c): [string, number] => [c, weight]));
}

function assertFaithful(prompt: string): void {
  const chunks = a1111Chunks(prompt);
  if (!chunks) return;
  for (const chunk of chunks) {
    const expected = weighted(chunk.map((span) => [span.text, span.weight]));
    const actual = weighted(comfyTokenWeights(emitComfyText(chunk)));
    expect(actual.map(([c]) => c).join(''), prompt).toBe(expected.map(([c]) => c).join(''));
    actual.forEach(([, weight], i) => {
      if (Math.abs(weight - expected[i]![1]) > 1e-4) throw new Error(`${JSON.stringify(prompt)}: char ${i} weight ${weight} ≠ A1111 ${expected[i]![1]}`);
    });
  }
}

const FIXTURES = [
  'masterpiece, best quality, 1girl, (red hat:1.3), [blurry], ((detailed eyes))',
  '(a (b:1.5) c)',
  '((x:1.5))',
  '[[[tiny]]] (((huge)))',
  'a photo of \\(an\\) escaped \\[bracket\\] and a \\\\ backslash',
  'unclosed (group and [another',
  'stray ) and ] closers',
  'text with colon: inside (a:b:1.2) and (c:d)',
  'before BREAK after (inside BREAK group)',
  '(negative:-0.5) (zero:0) (big:3.75)',
  'emoji 😀 (ümlaut:1.2) 中文 [字]',
  '(nested (deep (deeper (deepest:0.3))))',
  'smile \\(happy\\) (sad\\):1.1)',
  '(a:1.1)(b:1.1)',
  'x\\(y:1.3)',
];

describe('ComfyUI reads back A1111 weights', () => {
  it.each(FIXTURES)('%s', (prompt) => assertFaithful(prompt));

  it('on generated prompts', () => {
    const piece = fc.oneof(
      fc.constantFrom('a', 'cat', ' ', ', ', ':', '(', ')', '[', ']', '\\(', '\\)', '\\[', '\\\\', '\\', ' BREAK ', ':1.5)', ':0.3)', ':-1)', '1.2', 'é', '😀'),
      fc.string({ unit: fc.constantFrom('x', 'y', ' '), maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => assertFaithful(pieces.join(''))),
      { numRuns: 2000 },
    );
  });
});
