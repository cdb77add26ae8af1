import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLibrary } from '../../src/library/index.js';
import { buildSafetensors, loraTensors } from '../../src/library/fixtures.js';

const valid = buildSafetensors(loraTensors({ family: 'sdxl', rank: 1, layers: 2 }), { ss_output_name: 'x', ss_tag_frequency: '{"1_x": {"a": 2}}' }, 9).bytes;

describe('scanning never throws', () => {
  it('on random or damaged LoRA files and random sidecars: every file is listed, problems are diagnostics', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-fuzz-'));
    let round = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(valid.length)).map(([at, value, cut]) => {
          const copy = Buffer.from(valid);
          copy[at] = value;
          return copy.subarray(0, Math.max(cut, 1));
        }),
      ), { minLength: 1, maxLength: 4 }),
      fc.array(fc.string({ maxLength: 60 }), { minLength: 3, maxLength: 3 }),
      async (files, sidecars) => {
        const dir = path.join(base, String(round++));
        await import('node:fs/promises').then((fs) => fs.mkdir(dir));
        for (let i = 0; i < files.length; i++) await writeFile(path.join(dir, `f${i}.safetensors`), files[i]!);
        await writeFile(path.join(dir, 'f0.json'), sidecars[0]!);
        await writeFile(path.join(dir, 'f0.civitai.info'), sidecars[1]!);
        await writeFile(path.join(dir, 'w.yaml'), sidecars[2]!);
        const library = createLibrary({ loraDirs: [dir], wildcardDirs: [dir], cacheDir: false });
        const result = await library.scan();
        expect(result.loras).toHaveLength(files.length);
        for (const entry of result.loras) {
          expect(typeof entry.baseModel).toBe('string');
          for (const diagnostic of entry.diagnostics) expect(diagnostic.file).toContain(dir);
        }
        library.card(result.loras[0]!);
        library.suggestLora('f');
      },
    ), { numRuns: 60 });
  });
});
