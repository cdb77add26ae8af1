/**
 * The CLI runs as an esbuild bundle (scripts/bundle.mjs, dist/bundle/). A dependency that finds its
 * own files relative to its module (jimp's bitmap fonts) breaks there and not under vitest, so the
 * contact sheet is bundled the same way here and run from a folder beside the repository's node_modules.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Jimp } from 'jimp';
import { afterAll, describe, expect, it } from 'vitest';
import { testImage } from '../engines/servers/common.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let outDir: string | undefined;
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('contact sheet in the bundled CLI', () => {
  it('loads its font and draws labelled cells when bundled like dist/bundle', async () => {
    // Inside the repository (as dist/bundle is), so node_modules resolves the way it does for the CLI.
    outDir = await mkdtemp(path.join(repoRoot, 'tests/render/.bundle-'));
    await build({
      absWorkingDir: repoRoot,
      entryPoints: { sheet: 'src/render/contact-sheet.ts' },
      outdir: outDir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: "import { createRequire as __sdpromptCreateRequire } from 'node:module'; const require = __sdpromptCreateRequire(import.meta.url);" },
    });
    const { contactSheet } = (await import(pathToFileURL(path.join(outDir, 'sheet.js')).href)) as typeof import('../../src/render/contact-sheet.js');
    const png = await contactSheet([[{ image: testImage(1), label: 'JL_sectionplan 0.2 · seed 1' }, { image: testImage(2), label: 'seed 2' }]], { cellWidth: 64, title: 'house · plan' });
    const sheet = await Jimp.read(png);
    expect([sheet.width, sheet.height]).toEqual([8 + 2 * (64 + 8), 24 + 8 + 8 + (24 + 64 + 8)]);
    // The label row is not blank: the font was found and printed.
    let dark = 0;
    for (let x = 8; x < 8 + 64; x++) for (let y = 40; y < 40 + 24; y++) if ((sheet.getPixelColor(x, y) >>> 8) !== 0xffffff) dark++;
    expect(dark).toBeGreaterThan(20);
  });
});
