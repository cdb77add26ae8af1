import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { compileIr } from '../../src/compile/compile.js';
import { lowerPromptModel } from '../../src/compile/lower.js';
import type { TargetName } from '../../src/compile/target.js';
import { parse } from '../../src/grammar/index.js';
import { NOTE_CODES_BY_RULE, TARGETS_WITHOUT_ENGINE_NOTES } from '../../src/lint/rules/engine/shared.js';
import { analyze } from '../../src/semantics/analyze.js';
import { repoRoot } from './helpers.js';

const engineRuleCodes = new Set<string>(Object.values(NOTE_CODES_BY_RULE).flat());

/** Prompts that make the other targets report every kind of loss the engine rules know. */
const lossyPrompts = [
  'a cat :1.5 AND a dog :0.5',
  'a lone prompt with its own weight :1.5',
  '[spring:autumn:5] house, [red|blue] door',
  '<lora:a:0.5:0.8> <lora:b:1:1:4> <lyco:c:0.7> <hypernet:d:1> <JL_sectionplan:0.1>',
  '\\(literal\\) \\[x\\] back\\\\slash, c++ code, (x:1.2) BREAK y',
  'a house\n@negative\nbad <lora:x:1>',
];

function notesFor(text: string, target: TargetName): string[] {
  const model = analyze(parse(text).ast, {});
  return model.prompts.flatMap((prompt, index) => compileIr(lowerPromptModel(prompt, index), target, { randomSeed: () => 0 }).notes.map((note) => note.code));
}

describe('engine rules skip lowering only where it cannot report anything they own', () => {
  const fixtures = globSync(['examples/**/*.sdprompt', 'tests/**/*.sdprompt'], { cwd: repoRoot, ignore: ['**/node_modules/**'] }).sort();
  const texts = [...lossyPrompts, ...fixtures.map((file) => readFileSync(path.join(repoRoot, file), 'utf8'))];

  it('the lossy prompts do produce engine-rule notes on the other targets (the check below can fail)', () => {
    const codes = new Set(lossyPrompts.flatMap((text) => (['comfyui', 'sdcpp', 'compel', 'forge'] as TargetName[]).flatMap((target) => notesFor(text, target))));
    for (const code of engineRuleCodes) expect(codes, code).toContain(code);
  });

  for (const target of TARGETS_WITHOUT_ENGINE_NOTES) {
    it(`target ${target}: no fixture or lossy prompt yields a note an engine rule reports`, () => {
      for (const text of texts) {
        const owned = notesFor(text, target).filter((code) => engineRuleCodes.has(code));
        expect(owned, text.slice(0, 80)).toEqual([]);
      }
    });
  }
});
