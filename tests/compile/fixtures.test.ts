/**
 * Every prompt file in the repository (examples/, test fixtures) compiles for every target without
 * throwing; its ComfyUI graph validates against the object_info fixture (with the model names it
 * uses installed); and ComfyUI reads back A1111's weights for every span of every chunk.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { TARGET_NAMES } from '../../src/compile/target.js';
import { compileSource } from '../../src/compile/source.js';
import type { ComfyPromptBody } from '../../src/engines/comfyui.js';
import { emitComfyText } from '../../src/engines/comfyui.js';
import { validateComfyGraph, withFileLists } from '../../src/engines/comfyui-validate.js';
import { comfyTokenWeights } from '../../src/semantics/comfyui.js';
import { loadObjectInfoFixture } from '../engines/servers/comfyui-server.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const files = globSync(['examples/**/*.sdprompt', 'tests/**/*.sdprompt'], { cwd: repoRoot, ignore: ['**/node_modules/**'] }).sort();

const readFile = (p: string) => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

const weighted = (pairs: Array<[string, number]>) =>
  pairs.flatMap(([text, weight]) => [...text].filter((c) => !/\s/.test(c)).map((c): [string, number] => [c, weight]));

describe('prompt files in the repository', () => {
  it('exist', () => expect(files.length).toBeGreaterThan(5));

  it.each(files)('%s', (file) => {
    const full = path.join(repoRoot, file);
    const text = readFileSync(full, 'utf8');
    for (const target of TARGET_NAMES) {
      expect(() => compileSource(text, { target, path: full, readFile, randomSeed: () => 1 }), target).not.toThrow();
    }
    const compiled = compileSource(text, { target: 'comfyui', path: full, readFile, randomSeed: () => 1 });
    for (const prompt of compiled.prompts) {
      const graph = (prompt.payload as ComfyPromptBody).prompt;
      const names = (type: string, input: string) => Object.values(graph).filter((n) => n.class_type === type).map((n) => String(n.inputs[input]));
      const info = withFileLists(loadObjectInfoFixture(), {
        checkpoints: names('CheckpointLoaderSimple', 'ckpt_name'),
        loras: names('LoraLoader', 'lora_name'),
        vae: names('VAELoader', 'vae_name'),
        controlnet: names('ControlNetLoader', 'control_net_name'),
      });
      expect(validateComfyGraph(graph, info), `${file} ${prompt.name ?? prompt.index}`).toMatchObject({ ok: true, node_errors: {} });
      for (const side of [prompt.ir.positive, prompt.ir.negative])
        for (const part of side.parts)
          for (const step of part.schedule)
            for (const chunk of step.chunks) {
              const expected = weighted(chunk.map((span) => [span.text, span.weight]));
              const actual = weighted(comfyTokenWeights(emitComfyText(chunk)));
              expect(actual.map(([c]) => c).join('')).toBe(expected.map(([c]) => c).join(''));
              actual.forEach(([, w], i) => expect(Math.abs(w - expected[i]![1])).toBeLessThanOrEqual(1e-4));
            }
    }
  });
});
