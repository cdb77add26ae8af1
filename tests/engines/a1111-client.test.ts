import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerPromptModel } from '../../src/compile/lower.js';
import { A1111Client } from '../../src/engines/a1111-client.js';
import { toA1111Request } from '../../src/engines/a1111.js';
import { toSdcppBody } from '../../src/engines/sdcpp.js';
import { promptModel } from '../compile/model-builder.js';
import { listen } from './servers/common.js';
import { startA1111Server, type A1111Server } from './servers/a1111-server.js';

let server: A1111Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request = (overrides: Record<string, unknown> = {}) =>
  toA1111Request(lowerPromptModel(promptModel({ text: 'a cat' }, undefined, { seed: 5, steps: 4, sampler: 'Euler a', ...overrides }), 0)).payload;

describe('A1111 client against the loopback server', () => {
  it('sends a body the server accepts, with Basic auth, and decodes the images', async () => {
    server = await startA1111Server({ auth: 'me:secret' });
    const { route, body } = request({ batchSize: 2 });
    const result = await new A1111Client({ baseUrl: server.url, auth: 'me:secret' }).generate(route, body);
    expect(result.images).toHaveLength(2);
    expect(result.images[0]!.subarray(1, 4).toString()).toBe('PNG');
    expect(result.info.all_seeds).toEqual([5, 6]);
    await expect(new A1111Client({ baseUrl: server.url, auth: 'me:wrong' }).generate(route, body)).rejects.toThrow(/HTTP 401 .*Incorrect username or password/);
  });

  it('reports the server’s error bodies', async () => {
    server = await startA1111Server();
    const client = new A1111Client({ baseUrl: server.url });
    await expect(client.generate('txt2img', { ...request().body, sampler_name: 'Nope' })).rejects.toThrow('A1111 answered HTTP 400 to POST /sdapi/v1/txt2img: HTTPException: Sampler not found: Nope');
    await expect(client.generate('txt2img', { ...request().body, steps: 'ten' })).rejects.toThrow(/HTTP 422 .*value is not a valid integer/);
  });

  it('polls progress and interrupts the engine on abort', async () => {
    server = await startA1111Server({ stepDelayMs: 20 });
    const client = new A1111Client({ baseUrl: server.url, pollMs: 20 });
    const controller = new AbortController();
    const seen: number[] = [];
    const run = client.generate('txt2img', request({ steps: 100 }).body, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.step);
        if (p.step >= 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'interrupted' });
    expect(server.interrupts).toBe(1);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('sd-server: LoRAs travel in the lora array and an unknown path is a clear 400', async () => {
    server = await startA1111Server({ sdcpp: { loras: ['JL_sectionplan.safetensors'] } });
    const model = promptModel({ text: 'a <lora:JL_sectionplan:0.5>', segments: [['a ', 1]], loras: [{ name: 'JL_sectionplan', te: 0.5, unet: 0.5 }] });
    const client = new A1111Client({ baseUrl: server.url, engine: 'stable-diffusion.cpp' });
    const body = toSdcppBody(lowerPromptModel(model, 0)).payload;
    // Like the real sd-server, it knows its LoRA files only once they have been listed.
    await expect(client.generate('txt2img', body)).rejects.toThrow('invalid lora path: JL_sectionplan.safetensors');
    expect(await client.loras()).toEqual([{ name: 'JL_sectionplan', path: 'JL_sectionplan.safetensors' }]);
    await client.generate('txt2img', body);
    expect(server.requests[0]!.body).toMatchObject({ prompt: 'a ', lora: [{ path: 'JL_sectionplan.safetensors', multiplier: 0.5 }] });
    await expect(client.generate('txt2img', { ...body, lora: [{ path: 'x.safetensors', multiplier: 1 }] })).rejects.toThrow(
      'stable-diffusion.cpp answered HTTP 400 to POST /sdapi/v1/txt2img: invalid lora path: x.safetensors',
    );
  });
});

describe('A1111 client fault injection', () => {
  it('connection refused', async () => {
    const probe = http.createServer();
    const url = await listen(probe);
    await new Promise((r) => probe.close(r));
    await expect(new A1111Client({ baseUrl: url, attempts: 2, backoffMs: 5 }).generate('txt2img', request().body)).rejects.toThrow(
      `cannot connect to A1111 at ${url} (connection refused) after 2 attempts`,
    );
  });
  it('HTTP 500', async () => {
    server = await startA1111Server({ faults: { status500: true } });
    await expect(new A1111Client({ baseUrl: server.url }).generate('txt2img', request().body)).rejects.toThrow('A1111 answered HTTP 500 to POST /sdapi/v1/txt2img: RuntimeError: CUDA out of memory');
  });
  it('the engine stops mid-job: not retried (it could queue the job twice), and said so', async () => {
    server = await startA1111Server({ faults: { dropConnection: true } });
    await expect(new A1111Client({ baseUrl: server.url, engine: 'stable-diffusion.cpp' }).generate('txt2img', request().body)).rejects.toThrow(
      /^stable-diffusion\.cpp at http:\/\/127\.0\.0\.1:\d+ closed the connection before it answered POST \/sdapi\/v1\/txt2img \((UND_ERR_SOCKET|ECONNRESET)\); did it stop or crash\?/,
    );
    expect(server.log.filter((line) => line.startsWith('POST'))).toHaveLength(1);
  });
  it('hung request', async () => {
    server = await startA1111Server({ faults: { hang: true } });
    await expect(new A1111Client({ baseUrl: server.url, generationTimeoutMs: 200 }).generate('txt2img', request().body)).rejects.toThrow(/did not answer POST \/sdapi\/v1\/txt2img within 0.2 s/);
  });
  it('invalid JSON', async () => {
    server = await startA1111Server({ faults: { invalidJson: true } });
    await expect(new A1111Client({ baseUrl: server.url }).generate('txt2img', request().body)).rejects.toThrow(/A1111 sent invalid JSON for \/sdapi\/v1\/txt2img: "<html>Bad Gateway/);
  });
});
