/**
 * The formatter on helper A's golden corpus (tests/semantics/golden/generated.json): a few hundred
 * deliberately tricky prompts whose A1111 output was computed by A1111's own code. Each one, as a
 * bare prompt file, must format idempotently and keep its meaning under the step settings the
 * corpus recorded for it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { format } from '../../src/format/index.js';
import { sameConditioning } from '../../src/format/equivalence.js';
import { parse } from '../../src/grammar/parse.js';

interface GoldenCase {
  prompt: string;
  steps: number;
  hires_steps: number | null;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = JSON.parse(readFileSync(path.resolve(here, '../semantics/golden/generated.json'), 'utf8')) as GoldenCase[];

describe('format on the A1111 golden corpus', () => {
  it('has the corpus', () => {
    expect(corpus.length).toBeGreaterThan(100);
  });

  it('is idempotent and keeps the meaning of every prompt that is a bare file', () => {
    let checked = 0;
    let changed = 0;
    for (const item of corpus) {
      const parsed = parse(item.prompt);
      // Prompts with a line starting with '@', '#' or 'Negative prompt:' are other file forms.
      if (parsed.ast.form !== 'bare' || parsed.ast.prompts[0]!.positive.text !== item.prompt) continue;
      const result = format(item.prompt);
      if ('error' in result) continue;
      checked++;
      if (result.output.trimEnd() !== item.prompt) changed++;
      expect(format(result.output)).toEqual({ output: result.output, changed: false });
      const printed = parse(result.output).ast.prompts[0]!.positive.text;
      const schedules = [{ steps: item.steps, hiresSteps: item.hires_steps }];
      expect(sameConditioning(item.prompt, printed, schedules), JSON.stringify(item.prompt)).toEqual({ same: true });
    }
    expect(checked).toBeGreaterThan(100);
    // The corpus is untidy on purpose: the formatter really changed many of these prompts.
    expect(changed).toBeGreaterThan(20);
  });
});
