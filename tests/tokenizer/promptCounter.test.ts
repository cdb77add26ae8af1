/** PromptTokenCounter over analyze()'s model: what the linter's token rules and the LSP's hints read. */
import { describe, expect, it } from 'vitest';
import { analyze, parse } from '../../src/index.js';
import type { LintTokenizer } from '../../src/lint/types.js';
import { PromptTokenCounter } from '../../src/tokenizer/index.js';
import { sharedTokenizer } from './shared.js';

function promptsOf(source: string) {
  return analyze(parse(source).ast).prompts;
}

const long = Array.from({ length: 74 }, () => 'a').join(' ');

describe('PromptTokenCounter', () => {
  const counter = new PromptTokenCounter(sharedTokenizer());

  it('fits the linter tokenizer interface', () => {
    const asLint: LintTokenizer = counter;
    expect(asLint.approximate).toBe(false);
  });

  it("maps A1111 chunk spans to the resolved prompt text, phrase split included", () => {
    const [prompt] = promptsOf(`@prompt one\n<lora:x:1> ${long}, red hair\n`);
    const text = prompt!.positive.text;
    expect(counter.count(prompt!.positive, 'a1111')).toEqual({ count: 77, target: 150 });
    const [first, second] = counter.chunks(prompt!.positive, 'a1111');
    // 74 × a and the comma fill chunk 1; the backtrack moves nothing (the comma is the 75th token).
    expect(first!.tokenCount).toBe(75);
    expect(text.slice(first!.textStart, first!.textEnd)).toBe(`${long},`);
    expect(text.slice(second!.textStart, second!.textEnd)).toBe('red hair');
  });

  it('uses ComfyUI rules for comfyui prompts: LoRA text counts, BREAK is a word', () => {
    const [prompt] = promptsOf('@prompt one\n<lora:x:1> a BREAK b\n');
    expect(counter.count(prompt!.positive, 'comfyui').count).toBeGreaterThan(3);
    expect(counter.chunks(prompt!.positive, 'comfyui')).toHaveLength(1);
    expect(counter.count(prompt!.positive, 'a1111')).toEqual({ count: 76, target: 150 });
  });

  it('estimates, and says so, without a tokenizer', () => {
    const estimate = new PromptTokenCounter(undefined);
    const [prompt] = promptsOf('@prompt one\na photo of a cat\n');
    expect(estimate.approximate).toBe(true);
    expect(estimate.count(prompt!.positive, 'a1111').target).toBe(75);
  });
});
