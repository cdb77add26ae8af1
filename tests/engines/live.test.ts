/**
 * Live tests against real engines, run only when their address is set:
 *   SDPROMPT_TEST_A1111_URL, SDPROMPT_TEST_COMFYUI_URL, SDPROMPT_TEST_SDCPP_URL.
 * Each renders one tiny image (2 steps, 64×64) through the same path `sdprompt render` uses.
 */
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compile/source.js';
import { A1111Client } from '../../src/engines/a1111-client.js';
import { ComfyClient } from '../../src/engines/comfyui-client.js';
import type { ComfyPromptBody } from '../../src/engines/comfyui.js';
import { validateComfyGraph } from '../../src/engines/comfyui-validate.js';
import type { A1111Request } from '../../src/engines/a1111.js';
import type { SdcppBody } from '../../src/engines/sdcpp.js';
import { createRenderEngine } from '../../src/render/engines.js';
import { PNG } from 'pngjs';

const A1111_URL = process.env.SDPROMPT_TEST_A1111_URL;
const COMFYUI_URL = process.env.SDPROMPT_TEST_COMFYUI_URL;
const SDCPP_URL = process.env.SDPROMPT_TEST_SDCPP_URL;

const file = (extra = '') => `@params\nsteps: 2\nsize: 64x64\nseed: 42\nsampler: Euler a\n${extra}\n@prompt live\na red (house:1.2), [blurry]\n`;
const isPng = (data: Buffer) => data.subarray(1, 4).toString('latin1') === 'PNG';

describe('live engines', () => {
  it.skipIf(!COMFYUI_URL)(`ComfyUI renders a compiled graph${COMFYUI_URL ? '' : ' (skipped: set SDPROMPT_TEST_COMFYUI_URL)'}`, async () => {
    const client = new ComfyClient({ baseUrl: COMFYUI_URL! });
    try {
      const info = await client.objectInfo();
      const checkpoints = (info.CheckpointLoaderSimple!.input.required!.ckpt_name![0] as string[]) ?? [];
      expect(checkpoints.length, 'the engine has no checkpoint').toBeGreaterThan(0);
      const body = compileSource(file(`checkpoint: ${checkpoints[0]}`), { target: 'comfyui' }).prompts[0]!.payload as ComfyPromptBody;
      expect(validateComfyGraph(body.prompt, info)).toMatchObject({ ok: true, node_errors: {} });
      const result = await client.run(body);
      expect(result.images.length).toBeGreaterThan(0);
      expect(isPng(result.images[0]!.data)).toBe(true);
    } finally {
      client.close();
    }
  }, 600_000);

  it.skipIf(!A1111_URL)(`A1111 renders a compiled txt2img body${A1111_URL ? '' : ' (skipped: set SDPROMPT_TEST_A1111_URL)'}`, async () => {
    const client = new A1111Client({ baseUrl: A1111_URL!, ...(process.env.SDPROMPT_TEST_A1111_AUTH ? { auth: process.env.SDPROMPT_TEST_A1111_AUTH } : {}) });
    const request = compileSource(file(), { target: 'a1111' }).prompts[0]!.payload as A1111Request;
    const result = await client.generate(request.route, request.body);
    expect(result.images.length).toBe(1);
    expect(isPng(result.images[0]!)).toBe(true);
  }, 600_000);

  it.skipIf(!SDCPP_URL)(`sd-server renders with the structured lora array${SDCPP_URL ? '' : ' (skipped: set SDPROMPT_TEST_SDCPP_URL)'}`, async () => {
    const client = new A1111Client({ baseUrl: SDCPP_URL!, engine: 'stable-diffusion.cpp' });
    const loras = await client.loras();
    const lora = loras[0];
    const text = lora ? file().replace('[blurry]', `[blurry] <lora:${lora.name}:0.8>`) : file();
    const body = compileSource(text, { target: 'sdcpp', ...(lora ? { resolveLora: () => ({ file: lora.path }) } : {}) }).prompts[0]!.payload as SdcppBody;
    if (lora) expect(body.lora).toEqual([{ path: lora.path, multiplier: 0.8, is_high_noise: false }]);
    const result = await client.generate('txt2img', body);
    expect(result.images.length).toBe(1);
    expect(isPng(result.images[0]!)).toBe(true);
  }, 600_000);

  it.skipIf(!SDCPP_URL)(`sd-server through render: same seed → same pixels; another LoRA weight → other pixels${SDCPP_URL ? '' : ' (skipped: set SDPROMPT_TEST_SDCPP_URL)'}`, async () => {
    const lora = (await new A1111Client({ baseUrl: SDCPP_URL!, engine: 'stable-diffusion.cpp' }).loras())[0];
    // By name only: the engine finds the path sd-server lists (and makes it list them first).
    const doc = (weight: number) => compileSource(lora ? file().replace('[blurry]', `[blurry] <lora:${lora.name}:${weight}>`) : file(), { target: 'ir' }).prompts[0]!.ir!;
    const engine = createRenderEngine('sdcpp', { url: SDCPP_URL! });
    const pixels = async (weight: number) => PNG.sync.read((await engine.send(doc(weight), { baseDir: '.' }))[0]!).data;
    const first = await pixels(0.8);
    expect((await pixels(0.8)).equals(first)).toBe(true);
    if (lora) expect((await pixels(0.2)).equals(first)).toBe(false);
  }, 600_000);
});
