// Library benchmark: a cold scan of 2,000 generated LoRA files (20 of them with ~1 MB headers)
// and a warm start from the persistent index. Targets: cold < 2 s, warm < 200 ms.
// Run `npx tsc -p .` first. Usage: node bench/library.mjs [COUNT] [BIG_HEADERS]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLibrary } from '../dist/library/index.js';
import { writeBenchLibrary } from '../dist/library/fixture-sets.js';

const count = Number(process.argv[2] ?? 2000);
const bigHeaders = Number(process.argv[3] ?? 20);
const root = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-bench-library-'));
const loras = path.join(root, 'loras');
const cacheDir = path.join(root, 'cache');

try {
  let started = performance.now();
  await writeBenchLibrary(loras, count, { bigHeaders });
  console.log(`generated ${count} LoRA files (${bigHeaders} with large headers) in ${(performance.now() - started).toFixed(0)} ms`);

  // One of the large-header files, to show what the bench reads.
  const { readFile } = await import('node:fs/promises');
  const sample = path.join(loras, 'folder_0', 'bench_sd1_00000.safetensors');
  const headerBytes = Number((await readFile(sample)).readBigUInt64LE(0));
  console.log(`largest sample header: ${(headerBytes / 1e6).toFixed(2)} MB, file ${((await stat(sample)).size / 1e6).toFixed(2)} MB`);

  const results = {};
  for (const [label, options] of [
    ['cold scan, no index', { loraDirs: [loras], cacheDir: false }],
    ['cold scan, writing the index', { loraDirs: [loras], cacheDir }],
    ['warm start from the index', { loraDirs: [loras], cacheDir }],
    ['warm start again', { loraDirs: [loras], cacheDir }],
  ]) {
    started = performance.now();
    const cpu = process.cpuUsage();
    const library = createLibrary(options);
    const result = await library.scan();
    const ms = performance.now() - started;
    const cpuUsed = process.cpuUsage(cpu);
    results[label] = ms;
    console.log(`${label.padEnd(30)} ${ms.toFixed(0).padStart(6)} ms wall, ${((cpuUsed.user + cpuUsed.system) / 1000).toFixed(0).padStart(5)} ms CPU  (${result.loras.length} LoRAs, ${result.filesRead} files read, ${result.filesCached} from the index, ${result.diagnostics.length} diagnostics)`);
  }
  const cold = results['cold scan, writing the index'];
  const warm = Math.min(results['warm start from the index'], results['warm start again']);
  console.log(`load average while measuring: ${os.loadavg().map((n) => n.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
  console.log(`cold ${cold.toFixed(0)} ms (target < 2000): ${cold < 2000 ? 'ok' : 'SLOW'}; warm ${warm.toFixed(0)} ms (target < 200): ${warm < 200 ? 'ok' : 'SLOW'}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
