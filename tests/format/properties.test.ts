/**
 * The formatter's two properties (issue 5, tooling.md §5), on generated files:
 *  - idempotence: format(format(x)) === format(x);
 *  - meaning: the A1111 model of format(x) equals that of x (src/format/equivalence.ts).
 * 10,000+ inputs in all; files with syntax errors must come back as errors, untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format } from '../../src/format/index.js';
import { sameConditioning, sameFileMeaning } from '../../src/format/equivalence.js';
import { parse } from '../../src/grammar/parse.js';
import { bareFile, infotextFile, promptText, structuredFile } from './generators.js';

interface Tally {
  formatted: number;
  refused: number;
}

function checkFile(text: string, tally: Tally): void {
  const first = format(text);
  if ('error' in first) {
    tally.refused++;
    expect(first.error.length).toBeGreaterThan(0);
    return;
  }
  tally.formatted++;
  const second = format(first.output);
  if ('error' in second) throw new Error(`formatted output does not parse:\n${first.output}\n${JSON.stringify(second.error)}`);
  expect(second.output, `not idempotent for ${JSON.stringify(text)}`).toBe(first.output);
  expect(second.changed).toBe(false);
  // One step setting keeps 10,000 runs fast; the fixtures are compared under all of them.
  const meaning = sameFileMeaning(text, first.output, [{ steps: 20 }]);
  if (!meaning.same) throw new Error(`meaning changed for ${JSON.stringify(text)} → ${JSON.stringify(first.output)}: ${meaning.reason}`);
}

describe('format properties', () => {
  it('is idempotent and keeps the A1111 meaning of bare prompt texts (4,000 runs)', () => {
    const tally: Tally = { formatted: 0, refused: 0 };
    fc.assert(fc.property(promptText, (text) => checkFile(text, tally)), { numRuns: 4000 });
    // Most generated prompts have no syntax error: the property really ran.
    expect(tally.formatted).toBeGreaterThan(3000);
  });

  it('is idempotent and keeps the meaning of structured files (3,500 runs)', () => {
    const tally: Tally = { formatted: 0, refused: 0 };
    fc.assert(fc.property(structuredFile, (text) => checkFile(text, tally)), { numRuns: 3500 });
    expect(tally.formatted).toBeGreaterThan(1500);
  });

  it('is idempotent and keeps the meaning of bare files with comments (1,500 runs)', () => {
    const tally: Tally = { formatted: 0, refused: 0 };
    fc.assert(fc.property(bareFile, (text) => checkFile(text, tally)), { numRuns: 1500 });
    expect(tally.formatted).toBeGreaterThan(1000);
  });

  it('is idempotent and keeps the meaning of infotext blocks (1,000 runs)', () => {
    const tally: Tally = { formatted: 0, refused: 0 };
    fc.assert(fc.property(infotextFile, (text) => checkFile(text, tally)), { numRuns: 1000 });
    expect(tally.formatted).toBeGreaterThan(600);
  });

  it('never rewrites a file with syntax errors', () => {
    let refused = 0;
    fc.assert(
      fc.property(structuredFile, (text) => {
        let errors: unknown[];
        try {
          errors = parse(text).diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
        } catch (error) {
          errors = [error]; // a parser crash: format() must refuse too
        }
        const result = format(text);
        if (errors.length > 0) {
          refused++;
          expect('error' in result).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    expect(refused).toBeGreaterThan(0);
  });
});

describe('the meaning comparison itself', () => {
  // A comparison that calls everything equal would make the properties above worthless.
  it.each([
    ['a b', 'ab'],
    ['(a) (b)', '(a)(b)'],
    ['a, ,b', 'a,,b'],
    ["' s", "'s"],
    ['(a:1.2)', '(a:1.3)'],
    ['[a:b:5]', '[a:b:5.0]'],
    ['a AND b', 'a and b'],
    ['a BREAK b', 'a b'],
    ['<lora:x:1>', '<lora: x:1>'],
    ['a\\ (b)', 'a\\(b)'],
  ])('tells %j from %j', (a, b) => {
    expect(sameConditioning(a, b).same).toBe(false);
  });

  it.each([
    ['a  b', 'a b'],
    ['a ,b', 'a, b'],
    ['( a )', '(a)'],
    ['(a:1.20)', '(a:1.2)'],
    ['[a:b:.5]', '[a:b:0.5]'],
    ['a\n  b', 'a\nb'],
  ])('accepts %j as %j', (a, b) => {
    expect(sameConditioning(a, b)).toEqual({ same: true });
  });
});
