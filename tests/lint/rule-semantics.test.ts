/**
 * Fixes judged by what the engine makes of the result (the A1111 semantic model), not by the text:
 * a fix changes meaning only where that is the rule's purpose.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/grammar/index.js';
import { analyze } from '../../src/semantics/analyze.js';
import { lintAndFix, runRules, builtinRules, type Rule } from '../../src/lint/index.js';
import { fix, run } from './helpers.js';

function attention(text: string) {
  const model = analyze(parse(text).ast);
  return model.prompts[0]!.positive.a1111.subprompts.flatMap((part) => part.schedules.flatMap((step) => step.attention.map((segment) => [segment.text, segment.weight] as const)));
}

describe('emphasis/deep-nesting fix keeps the effective weights (to 4 decimals)', () => {
  const group = fc.record({
    depth: fc.integer({ min: 3, max: 6 }),
    brackets: fc.array(fc.constantFrom('round', 'square'), { minLength: 6, maxLength: 6 }),
    weight: fc.option(fc.integer({ min: 1, max: 19 }).map((tenths) => tenths / 10), { nil: undefined }),
    word: fc.constantFrom('house', 'red roof', 'tall window'),
  });
  it('on generated chains', () => {
    fc.assert(
      fc.property(group, ({ depth, brackets, weight, word }) => {
        let text = weight === undefined ? word : `(${word}:${weight})`;
        for (let level = weight === undefined ? 0 : 1; level < depth; level++) text = brackets[level] === 'round' ? `(${text})` : `[${text}]`;
        const source = `a garden, ${text}, sky`;
        const result = fix('emphasis/deep-nesting', source);
        expect(result.output).not.toBe(source);
        const before = attention(source);
        const after = attention(result.output);
        // Compared character by character: where the nesting multiplies out to 1 (1.1³ ÷ 1.1³ is
        // 0.9999999999999998 in floating point), the fixed text's weight of exactly 1 merges with its
        // neighbours into one segment, and that is the same meaning.
        const perCharacter = (segments: ReadonlyArray<readonly [string, number]>) => segments.flatMap(([segment, value]) => [...segment].map(() => value));
        expect(after.map(([segment]) => segment).join('')).toEqual(before.map(([segment]) => segment).join(''));
        const beforeWeights = perCharacter(before);
        perCharacter(after).forEach((value, index) => expect(Math.abs(value - beforeWeights[index]!)).toBeLessThan(5e-5));
      }),
      { numRuns: 300 },
    );
  });
});

describe('fixes whose purpose is to change the meaning', () => {
  it('lora/shorthand makes A1111 load the LoRA', () => {
    const source = 'a house <JL_sectionplan:0.4>';
    const before = analyze(parse(source).ast).prompts[0]!.positive.loras;
    const output = fix('lora/shorthand', source).output;
    const after = analyze(parse(output).ast).prompts[0]!.positive.loras;
    expect(before).toEqual([]);
    expect(after.map((use) => [use.name, use.te, use.unet])).toEqual([['JL_sectionplan', 0.4, 0.4]]);
  });

  it('lora/missing-weight writes the weight A1111 assumes (same model for A1111)', () => {
    const source = 'a house <lora:JL_sectionplan>';
    const output = fix('lora/missing-weight', source, { settings: { engine: 'sdcpp' } }).output;
    const loras = (text: string) => analyze(parse(text).ast).prompts[0]!.positive.loras.map((use) => [use.name, use.te, use.unet]);
    expect(loras(output)).toEqual(loras(source));
  });

  it('prompt/empty-tag and emphasis/empty leave the attention unchanged', () => {
    for (const [id, source] of [
      ['prompt/empty-tag', 'a house, , , garden'],
      ['emphasis/empty', 'a house () garden []'],
    ] as const) {
      const output = fix(id, source).output;
      expect(output).not.toBe(source);
      const text = (value: string) => attention(value).map(([segment]) => segment.replace(/[\s,]+/g, ' ').trim()).join('|');
      expect(text(output)).toBe(text(source));
    }
  });
});

describe('rule failures and parser checks', () => {
  it('a rule that throws becomes a lint/rule-error diagnostic; the other rules still run', () => {
    const broken: Rule = {
      meta: { id: 'prompt/broken', category: 'prompt', description: 'Always throws.', defaultSeverity: 'warn', examples: { valid: [], invalid: [] } },
      check: () => {
        throw new Error('boom');
      },
    };
    const text = 'a, , b';
    const parsed = parse(text);
    const result = runRules(text, parsed.ast, analyze(parsed.ast), parsed.diagnostics, {
      rules: [broken, ...builtinRules],
      ruleConfig: new Map(),
      settings: { engine: 'a1111' },
    });
    expect(result.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['lint/rule-error', 'prompt/empty-tag']));
    expect(result.diagnostics.find((d) => d.code === 'lint/rule-error')!.message).toContain("Rule 'prompt/broken' failed on this file: boom");
  });

  it('configuration re-grades parser diagnostics and turns them off', () => {
    expect(run('syntax/unmatched-bracket', 'a house)')).toHaveLength(1);
    const off = lintAndFix('a house)', { config: { rules: new Map([['syntax/unmatched-bracket', { severity: 'off', options: {} }]]), engine: 'a1111' } });
    expect(off.diagnostics.filter((d) => d.code === 'syntax/unmatched-bracket')).toEqual([]);
    const graded = lintAndFix('a house)', { config: { rules: new Map([['syntax/unmatched-bracket', { severity: 'error', options: {} }]]), engine: 'a1111' } });
    expect(graded.diagnostics.find((d) => d.code === 'syntax/unmatched-bracket')?.severity).toBe('error');
  });
});
