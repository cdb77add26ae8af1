import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Jimp } from 'jimp';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerPromptModel } from '../../src/compile/lower.js';
import { createRenderEngine, detectEngine } from '../../src/render/engines.js';
import { writeNew } from '../../src/render/output.js';
import { readPngText } from '../../src/render/png-text.js';
import { planRender, runRender, type RenderSource } from '../../src/render/render.js';
import { parseSweep } from '../../src/render/sweep.js';
import { promptModel } from '../compile/model-builder.js';
import { startA1111Server, type A1111Server } from '../engines/servers/a1111-server.js';
import { startComfyServer, type ComfyServer } from '../engines/servers/comfyui-server.js';

let comfy: ComfyServer | undefined;
let a1111: A1111Server | undefined;
afterEach(async () => {
  await comfy?.close();
  await a1111?.close();
  comfy = a1111 = undefined;
});

const SOURCE_TEXT = '@prompt house\na house <lora:JL_sectionplan:0.6>\n';
function source(dir: string): RenderSource {
  const model = promptModel(
    { text: 'a house <lora:JL_sectionplan:0.6>', segments: [['a house ', 1]], loras: [{ name: 'JL_sectionplan', te: 0.6, unet: 0.6 }], steps: 3 },
    { text: 'blurry' },
    { checkpoint: 'sd15.safetensors', steps: 3, seed: 11, sampler: 'Euler a' },
    'house',
  );
  return { file: path.join(dir, 'plan.sdprompt'), text: SOURCE_TEXT, docs: [lowerPromptModel(model, 0)] };
}

describe('render', () => {
  it('renders through ComfyUI, embeds provenance chunks, and a re-run skips existing outputs', async () => {
    comfy = await startComfyServer();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-render-'));
    const outDir = path.join(dir, 'out');
    expect(await detectEngine({ url: comfy.url })).toBe('comfyui');
    const engine = createRenderEngine('comfyui', { url: comfy.url });
    const jobs = planRender([source(dir)], { outDir });
    const first = await runRender(jobs, engine, { outDir });
    expect(first.written.map((f) => path.basename(f))).toEqual(['plan-house-s11-01.png']);
    const chunks = readPngText(await readFile(first.written[0]!));
    expect(chunks['sdprompt-source']).toBe(SOURCE_TEXT);
    expect(JSON.parse(chunks['sdprompt-compiled']!).engine).toBe('comfyui');
    expect(chunks.parameters).toBe('a house <lora:JL_sectionplan:0.6>\nNegative prompt: blurry\nSteps: 3, Sampler: Euler a, CFG scale: 7, Seed: 11, Size: 512x512, Model: sd15, Version: sdprompt');
    const again = await runRender(planRender([source(dir)], { outDir }), engine, { outDir });
    expect(again).toMatchObject({ written: [], skipped: 1, failed: 0 });
    expect(comfy.prompts).toHaveLength(1);
  });

  it('sweeps a LoRA weight over seeds through A1111 and writes a labelled contact sheet', async () => {
    a1111 = await startA1111Server();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-sweep-'));
    const outDir = path.join(dir, 'out');
    const jobs = planRender([source(dir)], { outDir, seeds: [1, 2, 3], sweep: parseSweep('lora:JL_sectionplan=0.2..1.0/0.2') });
    expect(jobs).toHaveLength(15);
    const summary = await runRender(jobs, createRenderEngine('a1111', { url: a1111.url }), { outDir });
    expect(summary.written).toHaveLength(15);
    expect(a1111.requests.map((r) => r.body.prompt)).toContain('a house <lora:JL_sectionplan:0.4>');
    expect(summary.sheets.map((f) => path.basename(f))).toEqual(['plan-house-sheet.png']);
    const sheet = await Jimp.read(summary.sheets[0]!);
    expect(sheet.width).toBe(8 + 3 * (256 + 8));
    expect(sheet.height).toBe(24 + 8 + 8 + 5 * (24 + 256 + 8));
    // Different LoRA weights give different pixels in the loopback engine: the cells differ.
    expect(sheet.getPixelColor(8 + 10, 40 + 24 + 8 + 10)).not.toBe(sheet.getPixelColor(8 + 10, 40 + 24 + 8 + 10 + 288));
    expect((await readdir(outDir)).filter((f) => f.includes('JL_sectionplan=0.6'))).toHaveLength(3);
  });

  it('never overwrites: a taken name gets a numbered sibling', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-write-'));
    const target = path.join(dir, 'a.png');
    await writeFile(target, 'original');
    expect(path.basename(await writeNew(target, Buffer.from('new')))).toBe('a (1).png');
    expect(await readFile(target, 'utf8')).toBe('original');
  });

  it('Ctrl-C: the engine is interrupted and the images it returns are kept under -partial names', async () => {
    a1111 = await startA1111Server({ stepDelayMs: 20 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-interrupt-'));
    const controller = new AbortController();
    const model = promptModel({ text: 'a house' }, undefined, { steps: 200, seed: 4 }, 'house');
    const jobs = planRender([{ file: path.join(dir, 'plan.sdprompt'), text: 'a house', docs: [lowerPromptModel(model, 0)] }], { outDir: dir });
    const engine = createRenderEngine('a1111', { url: a1111.url });
    const summary = await runRender(jobs, engine, {
      outDir: dir,
      signal: controller.signal,
      onEvent: (e) => e.type === 'progress' && e.progress.step >= 2 && controller.abort(),
    });
    expect(a1111.interrupts).toBe(1);
    expect(summary.written.map((f) => path.basename(f))).toEqual(['plan-house-s4-01-partial.png']);
    expect(summary.failed).toBe(1);
    // The job is not complete, so a re-run renders it again.
    expect(planRender([{ file: path.join(dir, 'plan.sdprompt'), text: 'a house', docs: [lowerPromptModel(model, 0)] }], { outDir: dir })[0]!.outputs.map((f) => path.basename(f))).toEqual(['plan-house-s4-01.png']);
  });

  it('a failed job is reported and nothing is written', async () => {
    a1111 = await startA1111Server({ faults: { status500: true } });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-fail-'));
    const events: string[] = [];
    const summary = await runRender(planRender([source(dir)], { outDir: dir }), createRenderEngine('a1111', { url: a1111.url }), {
      outDir: dir,
      onEvent: (e) => e.type === 'failed' && events.push(e.error.message),
    });
    expect(summary).toMatchObject({ written: [], failed: 1 });
    expect(events[0]).toContain('HTTP 500');
    expect((await readdir(dir)).filter((f) => f.endsWith('.png'))).toEqual([]);
  });
});
