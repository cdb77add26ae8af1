/**
 * `sdprompt render` on stable-diffusion.cpp's sd-server, against the loopback server in its sd-server
 * mode (which follows what the real server at 97d2990 did when run by hand: see docs/engines.md).
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { A1111Client } from '../../src/engines/a1111-client.js';
import { matchSdcppLoraPath } from '../../src/engines/sdcpp.js';
import { readPngText } from '../../src/render/png-text.js';
import { startA1111Server, type A1111Server } from '../engines/servers/a1111-server.js';

async function run(argv: string[], cwd: string) {
  return runCli(argv, cwd);
}

let server: A1111Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const LORAS = ['JL_sectionplan.safetensors', 'other/JL_watercolor.safetensors', 'a/dup.safetensors', 'b/dup.safetensors'];
const file = (tags: string) => `@params\nsteps: 2\nsize: 64x64\nseed: 42\nsampler: Euler a\n\n@prompt plan\nsection plan of a house ${tags}\n`;

async function project(tags: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-sdcpp-'));
  await writeFile(path.join(dir, 'plan.sdprompt'), file(tags));
  return dir;
}

describe('render on sd-server', () => {
  it('sends LoRAs by the paths sd-server lists, on a server that has not listed them yet', async () => {
    server = await startA1111Server({ sdcpp: { loras: LORAS } });
    const dir = await project('<lora:JL_sectionplan:0.6> <lora:JL_watercolor:0.4>');
    const result = await run(['render', 'plan.sdprompt', '--engine', server.url, '--engine-type', 'sdcpp', '--out', 'out'], dir);
    expect(result.err).toContain('1 written, 0 skipped, 0 failed');
    expect(result.code).toBe(0);
    expect(server.requests[0]!.body.lora).toEqual([
      { path: 'JL_sectionplan.safetensors', multiplier: 0.6, is_high_noise: false },
      { path: 'other/JL_watercolor.safetensors', multiplier: 0.4, is_high_noise: false },
    ]);
    expect(await readdir(path.join(dir, 'out'))).toEqual(['plan-plan-s42-01.png']);
    // The provenance chunk holds the body as sent.
    const compiled = JSON.parse(readPngText(await readFile(path.join(dir, 'out/plan-plan-s42-01.png')))['sdprompt-compiled']!);
    expect(compiled.payload.lora).toEqual(server.requests[0]!.body.lora);
  });

  it('an unknown LoRA is an error at its tag, and nothing is sent', async () => {
    server = await startA1111Server({ sdcpp: { loras: LORAS } });
    const dir = await project('<lora:JL_nope:0.5>');
    const result = await run(['render', 'plan.sdprompt', '--engine', server.url, '--out', 'out'], dir);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/plan\.sdprompt:8:25: error sd-server has no LoRA "JL_nope\.safetensors" in its --lora-model-dir \(it has: JL_sectionplan\.safetensors, .*\) \[engine\/sdcpp-lora\]/);
    expect(server.requests).toEqual([]);
  });

  it('matches a path, a path without extension, or a unique file stem; an ambiguous stem is no match', () => {
    const listed = LORAS.map((p) => ({ name: path.basename(p, '.safetensors'), path: p }));
    const table: Array<[string, string | undefined]> = [
      ['JL_sectionplan.safetensors', 'JL_sectionplan.safetensors'],
      ['other/JL_watercolor', 'other/JL_watercolor.safetensors'],
      ['JL_watercolor.safetensors', 'other/JL_watercolor.safetensors'],
      ['jl_SECTIONPLAN.ckpt', 'JL_sectionplan.safetensors'],
      ['dup.safetensors', undefined],
      ['a/dup', 'a/dup.safetensors'],
      ['nope', undefined],
    ];
    for (const [asked, expected] of table) expect([asked, matchSdcppLoraPath(asked, listed).path]).toEqual([asked, expected]);
    expect(matchSdcppLoraPath('dup', listed).candidates).toEqual(['a/dup.safetensors', 'b/dup.safetensors']);
  });

  it('polls no progress route and posts no interrupt; an abort says the server finishes the job', async () => {
    server = await startA1111Server({ sdcpp: { loras: [] }, stepDelayMs: 20 });
    const client = new A1111Client({ baseUrl: server.url, engine: 'stable-diffusion.cpp', pollMs: 10 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const run = client.generate('txt2img', { prompt: 'a house', steps: 50, width: 64, height: 64 }, { signal: controller.signal, onProgress: () => {} });
    await expect(run).rejects.toMatchObject({ kind: 'interrupted', message: expect.stringContaining('sd-server cannot stop a job that is generating') });
    expect(server.log).toEqual(['POST /sdapi/v1/txt2img']);
  });
});

describe('an A1111 body sent to sd-server (--engine-type a1111)', () => {
  it('keeps the image and warns at each LoRA tag that sd-server did not apply it', async () => {
    server = await startA1111Server({ sdcpp: { loras: LORAS } });
    const dir = await project('<lora:JL_sectionplan:0.6>');
    await writeFile(path.join(dir, 'plan.sdprompt'), file('<lora:JL_sectionplan:0.6>').replace('seed: 42\n', 'seed: 42\nbatch count: 2\n'));
    const result = await run(['render', 'plan.sdprompt', '--engine', server.url, '--engine-type', 'a1111', '--out', 'out'], dir);
    expect(server.requests[0]!.body.prompt).toContain('<lora:JL_sectionplan:0.6>');
    expect(result.err).toMatch(/plan\.sdprompt:9:25: warning this engine is sd-server, which ignores <lora:JL_sectionplan:…> in prompt text: the image was made without it; render with --engine-type sdcpp \[engine\/sdcpp-lora\]/);
    expect(result.err).toContain('ignores the batch count (n_iter 2)');
    expect(await readdir(path.join(dir, 'out'))).toEqual(['plan-plan-s42-01.png']);
  });
});

describe('a prompt that is only LoRA tags', () => {
  it('is sent as " " (sd-server refuses an empty prompt; A1111 renders it)', async () => {
    server = await startA1111Server({ sdcpp: { loras: LORAS } });
    const dir = await project('');
    await writeFile(path.join(dir, 'plan.sdprompt'), file('').replace('section plan of a house ', '<lora:JL_sectionplan:0.6>'));
    const result = await run(['render', 'plan.sdprompt', '--engine', server.url, '--out', 'out'], dir);
    expect(result.err).toContain('1 written, 0 skipped, 0 failed');
    expect(server.requests[0]!.body).toMatchObject({ prompt: ' ', lora: [{ path: 'JL_sectionplan.safetensors', multiplier: 0.6 }] });
  });
});
