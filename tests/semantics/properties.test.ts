import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { A1111Error, conditionA1111, conditionFindings, parsePromptAttention, promptSchedules, toExplainJson } from '../../src/semantics/a1111/index.js';

// Prompts built from the characters that matter to A1111's parsers, plus arbitrary Unicode.
const atoms = ['(', ')', '[', ']', ':', '|', '\\', ',', ' ', '\n', 'AND', 'BREAK', '<lora:x:0.5>', '<', '>', 'a', 'cat', '1', '0.5', '.', '-', 'e', '\u00a0', '\u2028', 'é', '1..2'];
const prompt = fc.oneof(
  fc.array(fc.constantFrom(...atoms), { maxLength: 30 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const options = fc.record({ steps: fc.integer({ min: 0, max: 60 }), hiresSteps: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }) });

describe('A1111 model properties', () => {
  it('never throws on any prompt, and errors only where A1111 raises', () => {
    fc.assert(
      fc.property(prompt, options, (text, opts) => {
        const condition = conditionA1111(text, opts);
        const json = toExplainJson(condition);
        if (condition.error !== undefined) expect(json).toEqual({ error: condition.error });
        else expect(json.subprompts!.length).toBe(text.replace(/<[\p{L}\p{N}_]+:[^>]+>/gu, '').split(/(?<![\p{L}\p{N}_])AND(?![\p{L}\p{N}_])/u).length);
      }),
      { numRuns: 3000 },
    );
  });

  it('conditionFindings (the linter\'s light path) finds what the full model finds', () => {
    // Bracket-heavy prompts, so that ambiguities and fallbacks are common.
    const tricky = fc
      .array(fc.constantFrom('[', ']', '[a', 'b]', ':', ':1]', '|', 'a', ' ', '(', ')', '\\', ' AND ', '<lora:x:1>'), { minLength: 3, maxLength: 16 })
      .map((parts) => parts.join(''));
    let ambiguous = 0;
    fc.assert(
      fc.property(fc.oneof(prompt, tricky), options, (text, opts) => {
        const full = conditionA1111(text, opts);
        const light = conditionFindings(text);
        if (light.ambiguities.length > 0) ambiguous++;
        // The full model can also fail on step-dependent values, after the parse; not compared then.
        if (full.error !== undefined) return;
        expect(light.error).toBeUndefined();
        expect(light.scheduleFallback).toBe(full.scheduleFallback);
        expect(light.ambiguities).toEqual(full.ambiguities);
      }),
      { numRuns: 3000 },
    );
    expect(ambiguous).toBeGreaterThan(10);
  });

  it('maps every output character to the input character it came from', () => {
    fc.assert(
      fc.property(prompt, options, (text, opts) => {
        const condition = conditionA1111(text, opts);
        for (const part of condition.subprompts)
          for (const step of part.schedules) {
            expect(step.origins.length).toBe(step.text.length);
            step.origins.forEach((origin, i) => expect(text[origin]).toBe(step.text[i]));
            for (const segment of step.attention) {
              if (segment.text === 'BREAK' && segment.weight < 0) continue;
              expect(segment.origins.length).toBe(segment.text.length);
              segment.origins.forEach((origin, i) => expect(text[origin]).toBe(segment.text[i]));
            }
          }
      }),
      { numRuns: 2000 },
    );
  });

  it('schedules are sorted, unique, and end at the step count', () => {
    fc.assert(
      fc.property(prompt, fc.integer({ min: 1, max: 50 }), (text, steps) => {
        let result;
        try {
          result = promptSchedules(text, { steps });
        } catch (error) {
          expect(error).toBeInstanceOf(A1111Error);
          return;
        }
        const list = result.steps.map((s) => s.step);
        expect(list[list.length - 1]).toBe(steps);
        for (let i = 1; i < list.length; i++) expect(list[i]!).toBeGreaterThan(list[i - 1]!);
      }),
      { numRuns: 2000 },
    );
  });

  it('attention weights of text without brackets are all 1 (BREAK aside)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }).filter((s) => !/[()[\]\\]/.test(s)), (text) => {
        for (const segment of parsePromptAttention(text)) expect([1, -1]).toContain(segment.weight);
      }),
    );
  });
});
