// Benchmarks for the compile stage and the engine clients (docs/compile.md "Speed").
//   npx tsc -p . && node bench/compile.mjs
// 1. Compiling 1,000 prompt files (parse + analyze + lower + ComfyUI graph); target: < 1 s.
// 2. Client overhead per job against a loopback engine that finishes instantly; target: < 5 ms.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { PNG } from 'pngjs';
import { compileSource } from '../dist/compile/source.js';
import { ComfyClient } from '../dist/engines/comfyui-client.js';
import { A1111Client } from '../dist/engines/a1111-client.js';

const SUBJECTS = ['a house', 'a cat', 'a floor plan', 'a portrait', 'a forest', 'a city at night'];
function promptFile(i) {
  const subject = SUBJECTS[i % SUBJECTS.length];
  return `@params
checkpoint: sd15.safetensors
steps: ${20 + (i % 10)}
seed: ${i}
sampler: DPM++ 2M
clip-skip: ${1 + (i % 2)}

@fragment style
(masterpiece:1.2), best quality, [blurry], ((sharp focus))

@prompt p${i}
\${style}, ${subject}, (detailed:1.${i % 9}) [red:blue:0.${1 + (i % 8)}] BREAK background, soft light <lora:JL_sectionplan:0.${1 + (i % 9)}>
@negative
lowres, (bad hands:1.3), watermark

@prompt q${i}
${subject} AND a tree :0.${1 + (i % 9)}, [old|new] style
`;
}

function benchCompile() {
  const files = Array.from({ length: 1000 }, (_, i) => promptFile(i));
  // Warm-up (JIT), then measure.
  for (const text of files.slice(0, 50)) compileSource(text, { target: 'comfyui', randomSeed: () => 1 });
  const runs = [];
  let nodes = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    nodes = 0;
    for (const text of files) {
      for (const prompt of compileSource(text, { target: 'comfyui', randomSeed: () => 1 }).prompts) nodes += Object.keys(prompt.payload.prompt).length;
    }
    runs.push(performance.now() - start);
  }
  const best = Math.min(...runs);
  console.log(`compile: 1000 files (2000 prompts, ${nodes} nodes) to ComfyUI graphs: best ${best.toFixed(0)} ms of ${runs.map((r) => r.toFixed(0)).join(', ')} ms (target < 1000 ms) ${best < 1000 ? 'OK' : 'SLOW'}`);
}

function tinyPng() {
  const png = new PNG({ width: 8, height: 8 });
  png.data.fill(128);
  return PNG.sync.write(png);
}

/** A loopback ComfyUI that "executes" instantly: engine time ≈ 0, so all measured time is overhead. */
async function comfyLoopback() {
  const image = tinyPng();
  const history = {};
  const sockets = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && url.pathname === '/prompt') {
        const body = JSON.parse(Buffer.concat(chunks).toString());
        const id = body.prompt_id;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ prompt_id: id, number: 1, node_errors: {} }));
        const ws = sockets.get(body.client_id);
        history[id] = { outputs: { 9: { images: [{ filename: 'x.png', subfolder: '', type: 'output' }] } }, status: { status_str: 'success', completed: true, messages: [] } };
        for (const type of ['execution_start', 'execution_success']) ws?.send(JSON.stringify({ type, data: { prompt_id: id } }));
        ws?.send(JSON.stringify({ type: 'executing', data: { node: null, prompt_id: id } }));
        return;
      }
      const match = /^\/history\/(.+)$/.exec(url.pathname);
      if (match) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(history[match[1]] ? { [match[1]]: history[match[1]] } : {}));
      }
      if (url.pathname === '/view') {
        res.writeHead(200, { 'content-type': 'image/png' });
        return res.end(image);
      }
      res.writeHead(404);
      res.end();
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws, req) => sockets.set(new URL(req.url, 'http://x').searchParams.get('clientId'), ws));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => (wss.close(), server.closeAllConnections(), new Promise((r) => server.close(r))) };
}

async function a1111Loopback() {
  const image = tinyPng().toString('base64');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ images: [image], parameters: {}, info: '{}' }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))) };
}

/** One bare fetch round trip to the same kind of loopback server: the floor any client pays. */
async function baselineFetch() {
  const server = await a1111Loopback();
  for (let i = 0; i < 20; i++) await (await fetch(server.url, { method: 'POST', body: '{}' })).text();
  const start = performance.now();
  for (let i = 0; i < 200; i++) await (await fetch(server.url, { method: 'POST', body: '{}' })).text();
  const ms = (performance.now() - start) / 200;
  await server.close();
  console.log(`baseline: one bare fetch POST round trip on this machine: ${ms.toFixed(2)} ms`);
}

async function benchClients() {
  await baselineFetch();
  const body = compileSource(promptFile(1), { target: 'comfyui', randomSeed: () => 1 }).prompts[0].payload;
  const comfy = await comfyLoopback();
  const client = new ComfyClient({ baseUrl: comfy.url });
  for (let i = 0; i < 20; i++) await client.run(body);
  const jobs = 200;
  let start = performance.now();
  for (let i = 0; i < jobs; i++) await client.run(body);
  const comfyMs = (performance.now() - start) / jobs;
  client.close();
  await comfy.close();
  console.log(`client: ComfyUI overhead per job (WebSocket + POST /prompt + /history + /view): ${comfyMs.toFixed(2)} ms (target < 5 ms) ${comfyMs < 5 ? 'OK' : 'SLOW'}`);

  const a1111 = await a1111Loopback();
  const a = new A1111Client({ baseUrl: a1111.url });
  const request = compileSource(promptFile(1), { target: 'a1111' }).prompts[0].payload;
  for (let i = 0; i < 20; i++) await a.generate(request.route, request.body);
  start = performance.now();
  for (let i = 0; i < jobs; i++) await a.generate(request.route, request.body);
  const aMs = (performance.now() - start) / jobs;
  await a1111.close();
  console.log(`client: A1111 overhead per job (POST txt2img + base64 decode): ${aMs.toFixed(2)} ms (target < 5 ms) ${aMs < 5 ? 'OK' : 'SLOW'}`);
}

benchCompile();
await benchClients();
