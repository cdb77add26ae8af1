/**
 * A loopback ComfyUI that enforces the API contract of engine-apis.md §1-2: validation against
 * the object_info fixture (types, combo membership, min/max, required inputs, an output node,
 * the 400 / 200-with-node_errors shapes), the WebSocket event order, /history as the record,
 * /view, /upload/image and /interrupt. Runs the graph by walking it; images are tiny PNGs.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { validateComfyGraph, withFileLists, type ObjectInfo } from '../../../src/engines/comfyui-validate.js';
import { closeServer, listen, readBody, sendJson, testImage, type Faults } from './common.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export function loadObjectInfoFixture(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.resolve(repoRoot, '../shared/data/comfyui/object_info.core.json'), 'utf8')) as Record<string, unknown>;
}

type ModelFiles = { checkpoints?: string[]; loras?: string[]; vae?: string[]; controlnet?: string[] };

export interface ComfyServerOptions {
  /** The model files the server has: what POST /prompt is validated against. */
  files?: ModelFiles;
  /**
   * What GET /object_info lists, when it differs from `files`: a file deleted (or renamed) after the
   * client read the lists, so the client's own check passes and the server still refuses the job.
   */
  listedFiles?: ModelFiles;
  /** KSampler's sampler_name choices, when not the fixture's (an older ComfyUI has fewer). */
  samplers?: string[];
  /** Node classes this ComfyUI does not have (an older version, a broken install). */
  withoutNodes?: string[];
  faults?: Faults;
  /** Delay per sampling step (ms). */
  stepDelayMs?: number;
}

type Graph = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

export interface ComfyServer {
  url: string;
  prompts: Array<{ prompt: Graph; client_id?: string; prompt_id?: string }>;
  /** Every WebSocket message sent, in order, per prompt id. */
  events: Map<string, string[]>;
  uploads: Map<string, Buffer>;
  interrupts: unknown[];
  close(): Promise<void>;
}

export async function startComfyServer(options: ComfyServerOptions = {}): Promise<ComfyServer> {
  const fixture = loadObjectInfoFixture();
  const uploads = new Map<string, Buffer>();
  const outputs = new Map<string, Buffer>();
  const history: Record<string, unknown> = {};
  const sockets = new Map<string, WebSocket>();
  const events = new Map<string, string[]>();
  const prompts: ComfyServer['prompts'] = [];
  const interrupts: unknown[] = [];
  let interruptRequested = false;
  let counter = 0;
  let imageCounter = 0;
  const objectInfo = (files = options.files): ObjectInfo => {
    const info = withFileLists(fixture, {
      checkpoints: files?.checkpoints ?? ['sd15.safetensors'],
      loras: files?.loras ?? ['JL_sectionplan.safetensors'],
      vae: files?.vae ?? [],
      controlnet: files?.controlnet ?? [],
      input: [...uploads.keys()],
    });
    for (const name of options.withoutNodes ?? []) delete info[name];
    if (options.samplers) info.KSampler!.input.required!.sampler_name![0] = [...options.samplers];
    return info;
  };

  const send = (clientId: string | undefined, promptId: string, type: string, data: Record<string, unknown>) => {
    events.get(promptId)?.push(type);
    const socket = clientId ? sockets.get(clientId) : undefined;
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type, data }));
  };

  /** Nodes in dependency order (inputs first), as ComfyUI executes them. */
  const order = (graph: Graph, outputsToRun: string[]): string[] => {
    const seen = new Set<string>();
    const out: string[] = [];
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      for (const value of Object.values(graph[id]!.inputs)) if (Array.isArray(value) && value.length === 2) visit(String(value[0]));
      out.push(id);
    };
    outputsToRun.forEach(visit);
    return out;
  };

  const execute = async (graph: Graph, promptId: string, clientId: string | undefined, outputsToRun: string[]) => {
    interruptRequested = false;
    send(clientId, promptId, 'execution_start', { prompt_id: promptId, timestamp: Date.now() });
    send(clientId, promptId, 'execution_cached', { nodes: [], prompt_id: promptId, timestamp: Date.now() });
    const results: Record<string, { images: Array<{ filename: string; subfolder: string; type: string }> }> = {};
    let seed = 0;
    let salt = 0;
    for (const id of order(graph, outputsToRun)) {
      const node = graph[id]!;
      send(clientId, promptId, 'executing', { node: id, display_node: id, prompt_id: promptId });
      if (node.class_type === 'LoraLoader') salt += Number(node.inputs.strength_model);
      if (node.class_type === 'KSampler' && options.faults?.executionError) {
        const error = { prompt_id: promptId, node_id: id, node_type: node.class_type, executed: [], exception_message: 'Allocation on device\n', exception_type: 'torch.OutOfMemoryError', traceback: [], current_inputs: {}, current_outputs: {}, timestamp: Date.now() };
        send(clientId, promptId, 'execution_error', error);
        history[promptId] = { prompt: [counter, promptId, graph, { client_id: clientId }, outputsToRun], outputs: {}, status: { status_str: 'error', completed: false, messages: [['execution_error', error]] }, meta: {} };
        send(clientId, promptId, 'executing', { node: null, prompt_id: promptId });
        return;
      }
      if (node.class_type === 'KSampler') {
        seed = Number(node.inputs.seed);
        const steps = Number(node.inputs.steps);
        for (let step = 1; step <= steps; step++) {
          if (interruptRequested) {
            send(clientId, promptId, 'execution_interrupted', { prompt_id: promptId, node_id: id, node_type: node.class_type, executed: [], timestamp: Date.now() });
            history[promptId] = {
              prompt: [counter, promptId, graph, { client_id: clientId }, outputsToRun],
              outputs: {},
              status: { status_str: 'error', completed: false, messages: [['execution_interrupted', { prompt_id: promptId, node_id: id }]] },
              meta: {},
            };
            send(clientId, promptId, 'executing', { node: null, prompt_id: promptId });
            return;
          }
          await new Promise((r) => setTimeout(r, options.stepDelayMs ?? 0));
          send(clientId, promptId, 'progress', { value: step, max: steps, prompt_id: promptId, node: id });
          if (step === 1 && options.faults?.dropSocketMidJob && clientId) sockets.get(clientId)?.terminate();
        }
      }
      if (node.class_type === 'SaveImage') {
        const filename = `${String(node.inputs.filename_prefix)}_${String(++imageCounter).padStart(5, '0')}_.png`;
        outputs.set(filename, testImage(seed, salt));
        results[id] = { images: [{ filename, subfolder: '', type: 'output' }] };
        send(clientId, promptId, 'executed', { node: id, display_node: id, output: results[id], prompt_id: promptId });
      }
    }
    send(clientId, promptId, 'execution_success', { prompt_id: promptId, timestamp: Date.now() });
    history[promptId] = {
      prompt: [counter, promptId, graph, { client_id: clientId }, outputsToRun],
      outputs: results,
      status: { status_str: 'success', completed: true, messages: [['execution_start', { prompt_id: promptId }]] },
      meta: {},
    };
    send(clientId, promptId, 'executing', { node: null, prompt_id: promptId });
  };

  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = url.pathname.replace(/^\/api(?=\/)/, '');
    try {
      if (request.method === 'GET' && route === '/object_info') return sendJson(response, 200, objectInfo(options.listedFiles ?? options.files));
      if (request.method === 'GET' && route === '/system_stats') return sendJson(response, 200, { system: { comfyui_version: 'loopback' }, devices: [] });
      if (request.method === 'POST' && route === '/prompt') {
        const raw = await readBody(request);
        if (options.faults?.hang) return; // never answer
        if (options.faults?.status500) {
          response.writeHead(500, { 'content-type': 'text/plain' });
          return response.end('500 Internal Server Error\n\nServer got itself in trouble');
        }
        if (options.faults?.invalidJson) {
          response.writeHead(200, { 'content-type': 'text/html' });
          return response.end('<html><body>proxy error</body></html>');
        }
        const body = JSON.parse(raw.toString('utf8')) as { prompt?: Graph; client_id?: string; prompt_id?: string };
        if (body.prompt === undefined) {
          return sendJson(response, 400, { error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {} });
        }
        const result = validateComfyGraph(body.prompt, objectInfo());
        if (!result.ok) return sendJson(response, 400, { error: result.error, node_errors: result.node_errors });
        const promptId = body.prompt_id ?? `srv-${counter + 1}`;
        counter++;
        prompts.push(body as ComfyServer['prompts'][number]);
        events.set(promptId, []);
        sendJson(response, 200, { prompt_id: promptId, number: counter, node_errors: result.node_errors });
        void execute(body.prompt, promptId, body.client_id, result.outputs);
        return;
      }
      const historyMatch = /^\/history\/(.+)$/.exec(route);
      if (request.method === 'GET' && historyMatch) {
        const id = decodeURIComponent(historyMatch[1]!);
        return sendJson(response, 200, history[id] ? { [id]: history[id] } : {});
      }
      if (request.method === 'GET' && route === '/view') {
        const filename = url.searchParams.get('filename') ?? '';
        if (filename.includes('..')) return sendJson(response, 400, {});
        const type = url.searchParams.get('type') ?? 'output';
        const data = type === 'input' ? uploads.get(filename) : outputs.get(filename);
        if (!data) return sendJson(response, 404, {});
        response.writeHead(200, { 'content-type': 'image/png' });
        return response.end(data);
      }
      if (request.method === 'POST' && route === '/upload/image') {
        const raw = await readBody(request);
        const form = await new Response(raw, { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
        const file = form.get('image');
        if (!(file instanceof Blob)) return sendJson(response, 400, {});
        const data = Buffer.from(await file.arrayBuffer());
        let name = (file as File).name;
        // A different file under an existing name becomes "x (1).png" (server.py image_upload).
        for (let i = 1; uploads.has(name) && !uploads.get(name)!.equals(data); i++) name = (file as File).name.replace(/(\.\w+)?$/, ` (${i})$1`);
        uploads.set(name, data);
        return sendJson(response, 200, { name, subfolder: '', type: 'input' });
      }
      if (request.method === 'POST' && route === '/interrupt') {
        interrupts.push(JSON.parse((await readBody(request)).toString('utf8') || '{}'));
        interruptRequested = true;
        return sendJson(response, 200, {});
      }
      sendJson(response, 404, {});
    } catch (error) {
      sendJson(response, 500, { error: String(error) });
    }
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/ws') return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      const sid = url.searchParams.get('clientId') ?? `sid-${sockets.size + 1}`;
      sockets.set(sid, ws);
      ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid } }));
    });
  });
  const url = await listen(server);
  return {
    url,
    prompts,
    events,
    uploads,
    interrupts,
    close: async () => {
      for (const socket of sockets.values()) socket.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}
