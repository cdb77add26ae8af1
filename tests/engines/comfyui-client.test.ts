import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerPromptModel } from '../../src/compile/lower.js';
import { ComfyClient } from '../../src/engines/comfyui-client.js';
import { toComfyGraph } from '../../src/engines/comfyui.js';
import { EngineError } from '../../src/engines/http.js';
import { promptModel } from '../compile/model-builder.js';
import { listen } from './servers/common.js';
import { startComfyServer, type ComfyServer } from './servers/comfyui-server.js';

let server: ComfyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const graph = (overrides: Record<string, unknown> = {}) =>
  toComfyGraph(lowerPromptModel(promptModel({ text: 'a cat' }, { text: 'blurry' }, { checkpoint: 'sd15.safetensors', seed: 3, steps: 4, ...overrides }), 0)).payload;

describe('ComfyUI client against the loopback server', () => {
  it('queues with our ids, follows the WebSocket event order and downloads the image', async () => {
    server = await startComfyServer();
    const client = new ComfyClient({ baseUrl: server.url, clientId: 'test-client' });
    const progress: number[] = [];
    const result = await client.run(graph(), { promptId: 'job-1', onProgress: (p) => progress.push(p.step) });
    expect(server.prompts[0]).toMatchObject({ client_id: 'test-client', prompt_id: 'job-1' });
    expect(result.images).toHaveLength(1);
    expect(result.images[0]!.data.subarray(1, 4).toString()).toBe('PNG');
    expect(progress).toEqual([1, 2, 3, 4]);
    const events = server.events.get('job-1')!;
    expect(events[0]).toBe('execution_start');
    expect(events.at(-2)).toBe('execution_success');
    expect(events.at(-1)).toBe('executing');
    expect(result.socketDropped).toBe(false);
  });

  it('turns a 400 into a message naming the node and the bad value', async () => {
    server = await startComfyServer();
    const client = new ComfyClient({ baseUrl: server.url });
    const error = await client.run(graph({ checkpoint: 'missing.safetensors' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).kind).toBe('validation');
    expect((error as EngineError).message).toContain("node 1 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'missing.safetensors'");
  });

  it('uploads images and reuses the name for identical bytes', async () => {
    server = await startComfyServer();
    const client = new ComfyClient({ baseUrl: server.url });
    expect(await client.uploadImage(Buffer.from('one'), 'in.png')).toBe('in.png');
    expect(await client.uploadImage(Buffer.from('one'), 'in.png')).toBe('in.png');
    expect(await client.uploadImage(Buffer.from('two'), 'in.png')).toBe('in (1).png');
  });

  it('interrupts the job on the engine when aborted', async () => {
    server = await startComfyServer({ stepDelayMs: 20 });
    const client = new ComfyClient({ baseUrl: server.url, pollMs: 20 });
    const controller = new AbortController();
    const run = client.run(graph({ steps: 200 }), { signal: controller.signal, promptId: 'job-x', onProgress: (p) => p.step === 2 && controller.abort() });
    await expect(run).rejects.toMatchObject({ kind: 'interrupted' });
    expect(server.interrupts).toEqual([{ prompt_id: 'job-x' }]);
  });
});

describe('ComfyUI client fault injection', () => {
  it('connection refused: retries, then one clear line', async () => {
    const probe = http.createServer();
    const url = await listen(probe);
    await new Promise((r) => probe.close(r));
    const client = new ComfyClient({ baseUrl: url, attempts: 3, backoffMs: 5 });
    await expect(client.run(graph())).rejects.toThrow(`cannot connect to ComfyUI at ${url} (connection refused) after 3 attempts`);
  });

  it('HTTP 500', async () => {
    server = await startComfyServer({ faults: { status500: true } });
    await expect(new ComfyClient({ baseUrl: server.url }).run(graph())).rejects.toThrow(/ComfyUI answered HTTP 500 to POST \/prompt: 500 Internal Server Error/);
  });

  it('hung request times out', async () => {
    server = await startComfyServer({ faults: { hang: true } });
    await expect(new ComfyClient({ baseUrl: server.url, timeoutMs: 200 }).run(graph())).rejects.toThrow(/did not answer POST \/prompt within 0.2 s/);
  });

  it('invalid JSON', async () => {
    server = await startComfyServer({ faults: { invalidJson: true } });
    await expect(new ComfyClient({ baseUrl: server.url }).run(graph())).rejects.toThrow(/ComfyUI sent invalid JSON for \/prompt: "<html>/);
  });

  it('an exception in a node is reported with the node and the message', async () => {
    server = await startComfyServer({ faults: { executionError: true } });
    await expect(new ComfyClient({ baseUrl: server.url }).run(graph())).rejects.toThrow('ComfyUI failed in node 5 (KSampler): Allocation on device');
  });

  it('WebSocket dropped mid-job: history still delivers the image', async () => {
    server = await startComfyServer({ faults: { dropSocketMidJob: true }, stepDelayMs: 10 });
    const result = await new ComfyClient({ baseUrl: server.url, pollMs: 5000 }).run(graph({ steps: 10 }));
    expect(result.socketDropped).toBe(true);
    expect(result.images).toHaveLength(1);
  });
});
