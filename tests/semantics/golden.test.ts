/**
 * Golden corpus: generated and hand-picked prompts with the output of A1111 v1.10's own prompt_parser.py and
 * extra_networks.py (lark 1.1.2), run under PYTHONHASHSEED 1..6 (docs/semantics.md). Cases marked
 * `ambiguous` gave different outputs under different seeds; `a1111` then lists every output seen.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conditionA1111 } from '../../src/semantics/a1111/index.js';
import { explainRequest } from '../../src/semantics/a1111/explainJsonl.js';

interface GoldenCase {
  prompt: string;
  steps: number;
  hires_steps: number | null;
  ambiguous?: boolean;
  a1111: unknown;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(path.join(here, 'golden', name), 'utf8')) as GoldenCase[];
// generated.json: random tricky/bracket-heavy/realistic prompts; edge.json: hand-picked edge cases
// (Unicode spaces and digits, escapes, exponents, BREAK/AND corners, extra-network corners).
const cases = [...load('generated.json'), ...load('edge.json')];

const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
      : value;

const sameResult = (expected: unknown, actual: Record<string, unknown>): boolean => {
  if (expected !== null && typeof expected === 'object' && 'error' in expected) return typeof actual.error === 'string';
  return JSON.stringify(sortKeys(expected)) === JSON.stringify(sortKeys(actual));
};

describe('golden corpus (A1111 outputs)', () => {
  it('has a few hundred cases, some of them hash-seed ambiguous', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(cases.some((c) => c.ambiguous)).toBe(true);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, golden) => {
    const actual = JSON.parse(explainRequest(golden)) as Record<string, unknown>;
    const flagged = conditionA1111(golden.prompt, { steps: golden.steps, hiresSteps: golden.hires_steps }).ambiguities.length > 0;
    if (golden.ambiguous) {
      expect((golden.a1111 as unknown[]).some((outcome) => sameResult(outcome, actual))).toBe(true);
      expect(flagged).toBe(true);
    } else {
      expect(sortKeys(actual)).toEqual(sortKeys(golden.a1111));
      expect(flagged).toBe(false);
    }
  });
});
