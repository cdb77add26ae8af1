/**
 * A loopback A1111 (`--api`, optionally `--api-auth`) enforcing its request contract
 * (engine-apis.md §6, a1111.md §6): field types as pydantic checks them (422 with FastAPI's
 * `detail` list), an unknown sampler (400 `{error, detail, body, errors}`), Basic auth (401),
 * synchronous generation with /progress and /interrupt. With `sdcpp` set it is stable-diffusion.cpp's
 * sd-server instead (examples/server, 97d2990, checked against the real server): the structured `lora`
 * array, whose paths it knows only from its last GET /sdapi/v1/loras or /sdcpp/v1/capabilities
 * (400 `invalid lora path: …` before, even for a file that is there); an unknown sampler is ignored;
 * no /progress and no /interrupt (404).
 */
import http from 'node:http';
import { closeServer, listen, readBody, sendJson, testImage, type Faults } from './common.js';

export interface A1111ServerOptions {
  auth?: string;
  faults?: Faults;
  stepDelayMs?: number;
  samplers?: string[];
  /** Behave like sd-server: `lora` array with paths (relative, with extension) from `loras`. */
  sdcpp?: { loras: string[] };
}

export interface A1111Server {
  url: string;
  requests: Array<{ route: string; body: Record<string, unknown> }>;
  /** `METHOD /path` of every request, in order. */
  log: string[];
  interrupts: number;
  close(): Promise<void>;
}

const INT_FIELDS = ['steps', 'width', 'height', 'batch_size', 'n_iter', 'seed', 'clip_skip', 'hr_second_pass_steps', 'mask_blur', 'inpainting_fill', 'inpainting_mask_invert'];
const NUMBER_FIELDS = ['cfg_scale', 'denoising_strength', 'hr_scale'];
const STRING_FIELDS = ['prompt', 'negative_prompt', 'sampler_name', 'scheduler', 'hr_upscaler'];
const BOOL_FIELDS = ['send_images', 'save_images', 'enable_hr', 'override_settings_restore_afterwards', 'inpaint_full_res'];

function typeErrors(body: Record<string, unknown>): Array<{ loc: string[]; msg: string; type: string }> {
  const errors: Array<{ loc: string[]; msg: string; type: string }> = [];
  for (const field of INT_FIELDS) {
    const v = body[field];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isInteger(v))) errors.push({ loc: ['body', field], msg: 'value is not a valid integer', type: 'type_error.integer' });
  }
  for (const field of NUMBER_FIELDS) {
    const v = body[field];
    if (v !== undefined && v !== null && typeof v !== 'number') errors.push({ loc: ['body', field], msg: 'value is not a valid float', type: 'type_error.float' });
  }
  for (const field of STRING_FIELDS) {
    const v = body[field];
    if (v !== undefined && v !== null && typeof v !== 'string') errors.push({ loc: ['body', field], msg: 'str type expected', type: 'type_error.str' });
  }
  for (const field of BOOL_FIELDS) {
    const v = body[field];
    if (v !== undefined && typeof v !== 'boolean') errors.push({ loc: ['body', field], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' });
  }
  if (body.override_settings !== undefined && (typeof body.override_settings !== 'object' || Array.isArray(body.override_settings))) {
    errors.push({ loc: ['body', 'override_settings'], msg: 'value is not a valid dict', type: 'type_error.dict' });
  }
  for (const field of ['init_images', 'lora']) {
    if (body[field] !== undefined && !Array.isArray(body[field])) errors.push({ loc: ['body', field], msg: 'value is not a valid list', type: 'type_error.list' });
  }
  return errors;
}

export async function startA1111Server(options: A1111ServerOptions = {}): Promise<A1111Server> {
  const samplers = options.samplers ?? ['Euler a', 'Euler', 'DPM++ 2M', 'DPM++ 2M SDE', 'DDIM'];
  const requests: A1111Server['requests'] = [];
  const log: string[] = [];
  const state = { running: false, step: 0, steps: 0, interrupt: false, interrupts: 0 };
  // sd-server's LoRA cache: filled by listing, not at start (runtime.cpp refresh_lora_cache).
  let loraCache: string[] = [];
  const listLoras = () => {
    loraCache = [...(options.sdcpp?.loras ?? [])].sort();
    return loraCache.map((p) => ({ name: p.replace(/^.*\//, '').replace(/\.\w+$/, ''), path: p }));
  };
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    log.push(`${request.method} ${url.pathname}`);
    if (options.auth) {
      const expected = 'Basic ' + Buffer.from(options.auth).toString('base64');
      if (request.headers.authorization !== expected) {
        response.setHeader('www-authenticate', 'Basic');
        return sendJson(response, 401, { detail: 'Incorrect username or password' });
      }
    }
    const route = url.pathname;
    if (request.method === 'GET' && route === '/sdapi/v1/samplers') return sendJson(response, 200, samplers.map((name) => ({ name, aliases: [], options: {} })));
    if (request.method === 'GET' && route === '/sdapi/v1/loras') return sendJson(response, 200, listLoras());
    if (options.sdcpp && request.method === 'GET' && route === '/sdcpp/v1/capabilities') {
      return sendJson(response, 200, { current_mode: 'img_gen', limits: { min_width: 64, max_width: 4096, min_height: 64, max_height: 4096, max_batch_count: 8, max_queue_size: 64 }, loras: listLoras() });
    }
    if (options.sdcpp && (route === '/sdapi/v1/progress' || route === '/sdapi/v1/interrupt')) return sendJson(response, 404, { error: 'not found' });
    if (request.method === 'GET' && route === '/sdapi/v1/progress') {
      return sendJson(response, 200, {
        progress: state.steps ? state.step / state.steps : 0,
        eta_relative: state.running ? (state.steps - state.step) * ((options.stepDelayMs ?? 0) / 1000) : 0,
        state: { sampling_step: state.step, sampling_steps: state.steps, job_count: state.running ? 1 : 0, interrupted: state.interrupt },
        current_image: null,
        textinfo: null,
      });
    }
    if (request.method === 'POST' && route === '/sdapi/v1/interrupt') {
      await readBody(request);
      state.interrupt = true;
      state.interrupts++;
      return sendJson(response, 200, {});
    }
    const generate = /^\/sdapi\/v1\/(txt2img|img2img)$/.exec(route);
    if (request.method === 'POST' && generate) {
      const raw = await readBody(request);
      if (options.faults?.hang) return;
      if (options.faults?.dropConnection) return void request.socket.destroy();
      if (options.faults?.status500) return sendJson(response, 500, { error: 'RuntimeError', detail: '', body: '', errors: 'CUDA out of memory' });
      if (options.faults?.invalidJson) {
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end('<html>Bad Gateway</html>');
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return sendJson(response, 422, { detail: [{ loc: ['body', 0], msg: 'Expecting value', type: 'value_error.jsondecode' }] });
      }
      const errors = typeErrors(body);
      if (errors.length > 0) return sendJson(response, 422, { detail: errors });
      if (body.sampler_name !== undefined && !options.sdcpp && !samplers.includes(String(body.sampler_name))) {
        return sendJson(response, 400, { error: 'HTTPException', detail: `Sampler not found: ${String(body.sampler_name)}`, body: '', errors: '' });
      }
      if (generate[1] === 'img2img' && !Array.isArray(body.init_images)) {
        return sendJson(response, 422, { detail: [{ loc: ['body', 'init_images'], msg: 'field required', type: 'value_error.missing' }] });
      }
      let salt = 0;
      if (options.sdcpp) {
        if (typeof body.prompt !== 'string' || body.prompt === '') return sendJson(response, 400, { error: 'prompt required' });
        for (const lora of (body.lora as Array<{ path: string; multiplier: number }>) ?? []) {
          if (!loraCache.includes(lora.path)) return sendJson(response, 400, { error: `invalid lora path: ${lora.path}` });
          salt += lora.multiplier;
        }
      } else {
        for (const match of String(body.prompt ?? '').matchAll(/<lora:[^:>]+:([\d.]+)/g)) salt += Number(match[1]);
      }
      requests.push({ route: generate[1]!, body });
      state.running = true;
      state.interrupt = false;
      state.steps = Number(body.steps ?? 20);
      for (state.step = 0; state.step < state.steps && !state.interrupt; state.step++) await new Promise((r) => setTimeout(r, options.stepDelayMs ?? 0));
      state.running = false;
      const seed = Number(body.seed ?? -1) < 0 ? 1234 : Number(body.seed);
      // sd-server reads batch_size only (as its batch count); it has no n_iter.
      const count = Number(body.batch_size ?? 1) * (options.sdcpp ? 1 : Number(body.n_iter ?? 1));
      const images = Array.from({ length: count }, (_, i) => testImage(seed + i, salt).toString('base64'));
      const info = {
        prompt: body.prompt,
        all_seeds: images.map((_, i) => seed + i),
        seed,
        infotexts: images.map((_, i) => `${String(body.prompt)}\nSteps: ${state.steps}, Seed: ${seed + i}`),
        ...(options.sdcpp ? { version: 'stable-diffusion.cpp' } : {}),
      };
      return sendJson(response, 200, { images, parameters: body, info: JSON.stringify(info) });
    }
    sendJson(response, 404, { detail: 'Not Found' });
  });
  const url = await listen(server);
  return {
    url,
    requests,
    log,
    get interrupts() {
      return state.interrupts;
    },
    close: () => closeServer(server),
  };
}
