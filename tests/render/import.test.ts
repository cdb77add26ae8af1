import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compile/source.js';
import type { ComfyGraph, ComfyPromptBody } from '../../src/engines/comfyui.js';
import { comfyTextToA1111, importComfyPrompt, importPng, importText } from '../../src/import/import.js';
import { readPngText, writePngText } from '../../src/render/png-text.js';
import { comfyTokenWeights } from '../../src/semantics/comfyui.js';
import { testImage } from '../engines/servers/common.js';

const FILE = `@params
checkpoint: sd15.safetensors
steps: 25
cfg: 6.5
seed: 77
sampler: DPM++ 2M SDE
scheduler: Karras
clip-skip: 2
size: 640x512

@prompt
a (red:1.3) house, [old] \\(1920\\) BREAK garden <lora:JL_sectionplan:0.6:0.4> <lora:ink:0.8>
@negative
blurry, (lowres:1.2)
`;

function graphOf(text: string): ComfyGraph {
  return (compileSource(text, { target: 'comfyui', randomSeed: () => 1 }).prompts[0]!.payload as ComfyPromptBody).prompt;
}

const pick = (graph: ComfyGraph, type: string) => Object.values(graph).filter((n) => n.class_type === type).map((n) => n.inputs);

describe('PNG text chunks', () => {
  it('round-trips Latin-1 (tEXt) and UTF-8 (iTXt) text, and the PNG stays decodable', () => {
    const png = writePngText(testImage(1), { parameters: 'a cat\nSteps: 20', 'sdprompt-source': 'ünïcode 😀 prompt' });
    expect(readPngText(png)).toEqual({ parameters: 'a cat\nSteps: 20', 'sdprompt-source': 'ünïcode 😀 prompt' });
    expect(PNG.sync.read(png).width).toBe(8);
    const replaced = writePngText(png, { parameters: 'new' });
    expect(readPngText(replaced).parameters).toBe('new');
  });
  it('rejects non-PNG data with a clear message', () => {
    expect(() => readPngText(Buffer.from('GIF89a'))).toThrow('not a PNG file');
  });
});

describe('import', () => {
  it('recovers a ComfyUI prompt: compile → import → compile gives the same graph', () => {
    const graph = graphOf(FILE);
    const imported = importComfyPrompt(graph);
    expect(imported.text).toContain('<lora:JL_sectionplan:0.6:0.4> <lora:ink:0.8>');
    expect(imported.text).toContain('sampler: DPM++ 2M SDE\nscheduler: Karras');
    const again = graphOf(imported.text);
    for (const type of ['CLIPTextEncode', 'LoraLoader', 'KSampler', 'EmptyLatentImage', 'CLIPSetLastLayer', 'CheckpointLoaderSimple']) {
      expect(pick(again, type), type).toEqual(pick(graph, type));
    }
  });

  it('rewrites ComfyUI absolute weights in A1111 syntax with the same weights', () => {
    expect(comfyTextToA1111('a (b (c:1.5)) [x] \\(y\\)')).toBe('a (b :1.1)(c:1.5) \\[x\\] \\(y\\)');
    // Property: the A1111 text, compiled back to ComfyUI, carries the same (text, weight) pairs.
    const text = 'a (b (c:1.5)) (d) e:2';
    const back = compileSource(comfyTextToA1111(text), { target: 'comfyui', randomSeed: () => 1 }).prompts[0]!.payload as ComfyPromptBody;
    const emitted = Object.values(back.prompt).find((n) => n.class_type === 'CLIPTextEncode')!.inputs.text as string;
    const squash = (pairs: Array<[string, number]>) => pairs.flatMap(([t, w]) => [...t].filter((c) => c !== ' ').map((c) => `${c}${w.toFixed(4)}`)).join('|');
    expect(squash(comfyTokenWeights(emitted))).toBe(squash(comfyTokenWeights(text)));
  });

  it('keeps A1111 infotext verbatim and prefers the sdprompt source chunk', () => {
    const infotext = 'a cat\nNegative prompt: dog\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512';
    expect(importPng(writePngText(testImage(2), { parameters: infotext }))).toMatchObject({ origin: 'a1111', text: infotext + '\n' });
    expect(importPng(writePngText(testImage(2), { parameters: infotext, 'sdprompt-source': FILE }))).toMatchObject({ origin: 'sdprompt', text: FILE });
    expect(importText(infotext).text).toBe(infotext + '\n');
    const body = compileSource(importText(infotext).text, { target: 'a1111' }).prompts[0]!.payload as { body: Record<string, unknown> };
    expect(body.body).toMatchObject({ prompt: 'a cat', negative_prompt: 'dog', steps: 20, seed: 1 });
    expect(() => importPng(testImage(3))).toThrow('the PNG has no generation data');
  });
});

describe('sdprompt import (CLI)', () => {
  it('writes the prompt file, refuses to replace it without --force, and reports PNGs without data', async () => {
    const { mkdtemp, readFile: read, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { PassThrough } = await import('node:stream');
    const { main } = await import('../../src/cli/main.js');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-import-'));
    const run = async (argv: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d) => (out += d));
      stderr.on('data', (d) => (err += d));
      const code = await main(['node', 'sdprompt', ...argv], { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: dir });
      return { code, out, err };
    };
    const infotext = 'a cat\nNegative prompt: dog\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512';
    await writeFile(path.join(dir, 'a1111.png'), writePngText(testImage(4), { parameters: infotext }));
    await writeFile(path.join(dir, 'plain.png'), testImage(5));
    expect(await run(['import', 'a1111.png', '-o', 'cat.sdprompt'])).toMatchObject({ code: 0, err: 'wrote cat.sdprompt (from a1111 data)\n' });
    expect(await read(path.join(dir, 'cat.sdprompt'), 'utf8')).toBe(infotext + '\n');
    await writeFile(path.join(dir, 'cat.sdprompt'), 'mine');
    expect(await run(['import', 'a1111.png', '-o', 'cat.sdprompt'])).toMatchObject({ code: 2, err: 'sdprompt: cat.sdprompt exists; pass --force to replace it\n' });
    expect(await read(path.join(dir, 'cat.sdprompt'), 'utf8')).toBe('mine');
    expect(await run(['import', 'plain.png'])).toMatchObject({ code: 1, err: expect.stringContaining('plain.png: the PNG has no generation data') });
  });
});
