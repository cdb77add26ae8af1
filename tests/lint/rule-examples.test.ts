/**
 * Every rule's documented examples are tests: valid ones produce nothing, invalid ones the stated
 * number of problems, and fixable ones the stated output, which must parse without new errors.
 */
import { describe, expect, it } from 'vitest';
import { builtinRules, lintAndFix } from '../../src/lint/index.js';
import { onlyRule, syntaxErrorCount } from './helpers.js';
import { lint } from '../../src/lint/index.js';

describe.each(builtinRules.map((rule) => [rule.meta.id, rule] as const))('%s', (_id, rule) => {
  it('has meta the docs and config need', () => {
    expect(rule.meta.id).toMatch(/^[a-z]+\/[a-z0-9-]+$/);
    expect(rule.meta.id.split('/')[0]).toBe(rule.meta.category);
    expect(rule.meta.description.length).toBeGreaterThan(10);
    expect(['off', 'info', 'warn', 'error']).toContain(rule.meta.defaultSeverity);
    if (rule.meta.defaultOptions) expect(rule.meta.schema).toBeDefined();
    // Every rule shows (and so tests) at least one case it reports and one it accepts.
    expect(rule.meta.examples.invalid.length).toBeGreaterThan(0);
    expect(rule.meta.examples.valid.length).toBeGreaterThan(0);
  });

  for (const example of rule.meta.examples.valid) {
    it(`valid: ${JSON.stringify(example.code)}`, () => {
      const result = lint(example.code, onlyRule(rule, example));
      expect(result.diagnostics.filter((d) => d.code === rule.meta.id)).toEqual([]);
    });
  }

  for (const example of rule.meta.examples.invalid) {
    it(`invalid: ${JSON.stringify(example.code)}`, () => {
      const result = lint(example.code, onlyRule(rule, example));
      const own = result.diagnostics.filter((d) => d.code === rule.meta.id);
      expect(own).toHaveLength(example.errors ?? 1);
      for (const diagnostic of own) {
        expect(diagnostic.range.start.offset).toBeGreaterThanOrEqual(0);
        expect(diagnostic.range.end.offset).toBeLessThanOrEqual(example.code.length);
        expect(diagnostic.range.start.offset).toBeLessThanOrEqual(diagnostic.range.end.offset);
        if (rule.meta.fixable !== 'code') expect(diagnostic.fix).toBeUndefined();
      }
      if (example.output !== undefined) {
        const fixed = lintAndFix(example.code, onlyRule(rule, example));
        expect(fixed.output).toBe(example.output);
        expect(syntaxErrorCount(fixed.output)).toBeLessThanOrEqual(syntaxErrorCount(example.code));
        // The fix removed what the rule complained about.
        expect(fixed.diagnostics.filter((d) => d.code === rule.meta.id && d.fix)).toEqual([]);
      }
    });
  }
});
