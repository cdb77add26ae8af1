import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFixes, builtinRules, lint, lintAndFix } from '../../src/lint/index.js';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { syntaxErrorCount } from './helpers.js';

const position = { line: 0, column: 0, offset: 0 };
function fixAt(start: number, end: number, newText: string): Diagnostic {
  return {
    code: 'test/x',
    severity: 'warning',
    message: 'm',
    range: { start: position, end: position },
    fix: { title: 't', edits: [{ start, end, newText }] },
  };
}

describe('applyFixes', () => {
  it('applies non-overlapping fixes and leaves overlapping ones for the next pass', () => {
    const result = applyFixes('abcdef', [fixAt(4, 5, 'E'), fixAt(0, 2, 'AB'), fixAt(1, 3, 'xx')]);
    expect(result.output).toBe('ABcdEf');
    expect(result.applied).toHaveLength(2);
    expect(result.skipped).toHaveLength(1);
  });

  it('treats touching fixes as overlapping, as ESLint does', () => {
    const result = applyFixes('abc', [fixAt(0, 1, 'A'), fixAt(1, 1, '-')]);
    expect(result.output).toBe('Abc');
    expect(result.skipped).toHaveLength(1);
  });

  it('iterates to a fixpoint: the remaining fixes land in later passes', () => {
    const fixed = lintAndFix('a house, , , garden, a house, ((((tall))))');
    expect(fixed.output).toBe('a house, garden, (tall:1.4641)');
    expect(fixed.passes).toBeGreaterThanOrEqual(1);
    expect(fixed.diagnostics.filter((d) => d.fix)).toEqual([]);
  });

  it('never rewrites text with syntax errors', () => {
    const text = 'a house, , garden (cat:1..2)';
    expect(syntaxErrorCount(text)).toBeGreaterThan(0);
    const fixed = lintAndFix(text);
    expect(fixed.output).toBe(text);
    expect(fixed.fixCount).toBe(0);
  });
});

describe('inline directives', () => {
  const text = (lines: string[]) => lines.join('\n') + '\n';

  it('disable-next-line skips comment lines and covers only the named rules', () => {
    const result = lint(text(['@prompt', '# sdprompt-disable-next-line prompt/empty-tag', '# another comment', 'a, , b, a,', 'c, , d']));
    const codes = result.diagnostics.map((d) => `${d.range.start.line}:${d.code}`);
    expect(codes).toContain('3:prompt/duplicate-tag');
    expect(codes).not.toContain('3:prompt/empty-tag');
    expect(codes).toContain('4:prompt/empty-tag');
  });

  it('disable / enable regions and disable-file', () => {
    const region = lint(text(['@prompt', '# sdprompt-disable', 'a, , b', '# sdprompt-enable', 'c, , d']));
    expect(region.diagnostics.map((d) => d.range.start.line)).toEqual([4]);
    const file = lint(text(['# sdprompt-disable-file prompt/empty-tag', '@prompt', 'a, , b', 'c, , d']));
    expect(file.diagnostics).toEqual([]);
  });

  it('reports unused directives with a fix that removes them, and unknown rule names', () => {
    const source = text(['@prompt', '# sdprompt-disable-next-line prompt/empty-tag, prompt/duplicate-tag', 'a, , b', '# sdprompt-disable-next-line lora/nope', 'c']);
    const result = lint(source, { reportUnusedDisableDirectives: 'warn' });
    const unused = result.diagnostics.filter((d) => d.code === 'lint/unused-disable-directive');
    expect(unused).toHaveLength(1);
    expect(unused[0]!.message).toContain("'prompt/duplicate-tag'");
    const unknown = result.diagnostics.filter((d) => d.code === 'lint/unknown-rule-in-directive');
    expect(unknown).toHaveLength(1);
    const fixed = lintAndFix(source, { reportUnusedDisableDirectives: 'warn' });
    expect(fixed.output).toContain('# sdprompt-disable-next-line prompt/empty-tag\n');
    expect(fixed.output).not.toContain('duplicate-tag');
  });

  it('--no-inline-config ignores directives', () => {
    const result = lint(text(['@prompt', '# sdprompt-disable-file', 'a, , b']), { noInlineConfig: true });
    expect(result.diagnostics.map((d) => d.code)).toContain('prompt/empty-tag');
  });
});

describe('properties', () => {
  const piece = fc.constantFrom('a', 'house', ' ', ', ', ',', '(', ')', '[', ']', ':', '1.2', '0.5', '06', '|', 'BREAK', 'break', 'and', 'AND', '<lora:x:0.6>', '<x:0.4>', '<lora:y>', '\\(', '__w__', '\n', '# c\n', '@prompt\n', '@negative\n', '[a:b:30]');
  const prompt = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));

  it('lint never throws, every range lies inside the text, rules never crash', () => {
    fc.assert(
      fc.property(prompt, (text) => {
        const result = lint(text);
        for (const diagnostic of result.diagnostics) {
          expect(diagnostic.code).not.toBe('lint/rule-error');
          expect(diagnostic.range.start.offset).toBeGreaterThanOrEqual(0);
          expect(diagnostic.range.end.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('fixes never add syntax errors and reach a fixpoint', () => {
    fc.assert(
      fc.property(prompt, (text) => {
        const fixed = lintAndFix(text);
        expect(syntaxErrorCount(fixed.output)).toBeLessThanOrEqual(syntaxErrorCount(text));
        if (fixed.passes < 10) expect(lintAndFix(fixed.output).fixCount).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('every built-in rule is listed once', () => {
    const ids = builtinRules.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
