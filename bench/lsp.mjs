// Language server latency, measured over real stdio JSON-RPC against `sdprompt lsp` (dist/; run
// `npx tsc -p .` first). Prints numbers; the targets (issue 6) are printed beside them:
//   - a 10 KB file with a 500-LoRA library: didChange → publishDiagnostics p99 < 30 ms;
//   - completion over 100,000 tags: p99 < 50 ms;
//   - server start to first diagnostics: < 500 ms (cold library index and warm).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { writeLoraFixture } from '../dist/library/fixtures.js';

const repoRoot = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'sdprompt-bench-lsp-'));
const loraDir = join(work, 'loras');
const cacheDir = join(work, 'cache');
const LORAS = 500;
const EDITS = 300;
const COMPLETIONS = 300;

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (ms) => `${ms.toFixed(2)} ms`;

console.log(`generating ${LORAS} LoRAs and 100,000 tags in ${work} …`);
for (let i = 0; i < LORAS; i++) {
  await writeLoraFixture(loraDir, {
    name: `lora_${String(i).padStart(3, '0')}`,
    family: i % 3 === 0 ? 'sdxl' : 'sd1',
    seed: i + 1,
    userMetadata: { 'activation text': `trigger ${i}, style ${i}`, 'preferred weight': 0.7 },
  });
}
const tagFile = join(work, 'tags.csv');
const words = ['hair', 'eyes', 'dress', 'house', 'sky', 'tree', 'light', 'shadow', 'window', 'roof', 'garden', 'street'];
const adjectives = ['long', 'short', 'blue', 'red', 'green', 'dark', 'bright', 'old', 'new', 'small', 'large', 'wooden'];
const tagLines = [];
for (let i = 0; i < 100_000; i++) {
  tagLines.push(`${adjectives[i % 12]}_${words[Math.floor(i / 12) % 12]}_${i.toString(36)},${i % 6},${100_000 - i},"alias_${i.toString(36)}"`);
}
writeFileSync(tagFile, tagLines.join('\n'));

// A realistic 10 KB prompt file: prompts with LoRAs, emphasis, schedules, parameters.
function promptFile() {
  let text = '@params\nsteps: 30\nsampler: DPM++ 2M\ncfg: 7\n\n';
  let i = 0;
  while (text.length < 10_000) {
    text += `@prompt p${i}\n<lora:lora_${String(i % LORAS).padStart(3, '0')}:0.7>, trigger ${i % LORAS}, a (house:1.2) in a [garden:forest:0.5], ((ink lines)), [pencil|charcoal] sketch\n@negative\nbad quality, blurry\n\n`;
    i++;
  }
  return text;
}

const CLI = [join(repoRoot, 'bin/sdprompt.js'), 'lsp', '--stdio'];
const BUNDLE = [join(repoRoot, 'editors/vscode/out/server.cjs'), '--stdio'];

async function startServer(command = CLI) {
  const started = performance.now();
  const child = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), ...command], {
    env: { ...process.env, SDPROMPT_CACHE_DIR: cacheDir },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    for (const waiter of waiters.splice(0)) {
      if (waiter.match(params)) waiter.resolve(params);
      else waiters.push(waiter);
    }
  });
  connection.onRequest('workspace/configuration', () => [{ loraFolders: [loraDir], tagFiles: [tagFile] }]);
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const diagnosticsFor = (uri, version) => new Promise((resolve) => waiters.push({ match: (p) => p.uri === uri && p.version === version, resolve }));
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(work).href, capabilities: { workspace: { configuration: true } } });
  const initializedAt = performance.now() - started;
  await connection.sendNotification('initialized', {});
  return { child, connection, diagnosticsFor, started, initializedAt };
}

async function stop(server) {
  await server.connection.sendRequest('shutdown');
  await server.connection.sendNotification('exit');
  server.connection.dispose();
  await new Promise((resolve) => server.child.once('exit', resolve));
}

const text = promptFile();
const uri = pathToFileURL(join(work, 'bench.sdprompt')).href;

// 1. Start to first diagnostics, cold (no library index yet) and warm (index from the first run).
for (const label of ['cold index', 'warm index']) {
  const server = await startServer();
  const first = server.diagnosticsFor(uri, 1);
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sdprompt', version: 1, text } });
  const diagnostics = await first;
  const elapsed = performance.now() - server.started;
  console.log(`start → first diagnostics (${label}, ${LORAS} LoRAs, 100k tags, ${(text.length / 1024).toFixed(1)} KB file): ${fmt(elapsed)} (${diagnostics.diagnostics.length} diagnostics; initialize answered at ${fmt(server.initializedAt)}) — target < 500 ms`);
  if (label === 'warm index') {
    // 2. didChange → diagnostics, one keystroke at a time at varying places.
    const latencies = [];
    let version = 1;
    let current = text;
    for (let i = 0; i < EDITS; i++) {
      const line = 6 + ((i * 7) % 40);
      const lines = current.split('\n');
      const character = Math.min(lines[line].length, 10 + (i % 20));
      const insert = i % 2 === 0 ? 'x' : '';
      const change = insert
        ? { range: { start: { line, character }, end: { line, character } }, text: insert }
        : { range: { start: { line, character: Math.max(0, character - 1) }, end: { line, character } }, text: '' };
      lines[line] = insert ? lines[line].slice(0, character) + insert + lines[line].slice(character) : lines[line].slice(0, Math.max(0, character - 1)) + lines[line].slice(character);
      current = lines.join('\n');
      version++;
      const published = server.diagnosticsFor(uri, version);
      const t0 = performance.now();
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await published;
      latencies.push(performance.now() - t0);
    }
    console.log(`didChange → diagnostics over ${EDITS} edits: median ${fmt(percentile(latencies, 50))}, p99 ${fmt(percentile(latencies, 99))}, max ${fmt(Math.max(...latencies))} — target p99 < 30 ms`);

    // 3. Completion over 100,000 tags while typing a word.
    const completionText = `${current}\n@prompt tags\n`;
    version++;
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: completionText }] });
    const lastLine = completionText.split('\n').length - 1;
    const queries = ['l', 'lo', 'lon', 'long', 'long_', 'long_h', 'b', 'bl', 'blu', 'blue_e', 'hai', 'hair', 'ali', 'alias_1', 'w', 'wo', 'wood', 'sk', 'sky'];
    const samples = [];
    let lastCount = 0;
    for (let i = 0; i < COMPLETIONS; i++) {
      const query = queries[i % queries.length];
      version++;
      await server.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: 200 } }, text: query }],
      });
      const t0 = performance.now();
      const list = await server.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: lastLine, character: query.length } });
      samples.push(performance.now() - t0);
      lastCount = list.items.length;
    }
    console.log(`completion over 100,000 tags (${COMPLETIONS} requests, ${lastCount} items each, isIncomplete): median ${fmt(percentile(samples, 50))}, p99 ${fmt(percentile(samples, 99))} — target p99 < 50 ms`);
  }
  await stop(server);
}
// 4. The same start with the esbuild bundle the VS Code extension ships (one file to load).
await new Promise((resolve, reject) => {
  const build = spawn(process.execPath, [join(repoRoot, 'editors/vscode/esbuild.mjs')], { stdio: 'inherit' });
  build.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`esbuild.mjs exited with ${code}`))));
});
{
  const server = await startServer(BUNDLE);
  const first = server.diagnosticsFor(uri, 1);
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sdprompt', version: 1, text } });
  await first;
  console.log(`start → first diagnostics (VS Code bundle out/server.cjs, warm index): ${fmt(performance.now() - server.started)} (initialize answered at ${fmt(server.initializedAt)}) — target < 500 ms`);
  await stop(server);
}
rmSync(work, { recursive: true, force: true });
