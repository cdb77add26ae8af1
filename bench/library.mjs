// Library benchmark: a cold scan of 2,000 generated LoRA files (20 of them with ~1 MB headers)
// and a warm start from the persistent index. Targets: cold < 2 s, warm < 200 ms.
// Each case runs several times in one process; the best and the median run are printed, with the
// CPU time next to the wall time (on a busy machine the two differ a lot) and the load average.
// Run `npx tsc -p .` first. Usage: node bench/library.mjs [COUNT] [BIG_HEADERS] [RUNS]
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLibrary } from '../dist/library/index.js';
import { writeBenchLibrary } from '../dist/library/fixture-sets.js';

const count = Number(process.argv[2] ?? 2000);
const bigHeaders = Number(process.argv[3] ?? 20);
const runs = Number(process.argv[4] ?? 5);
const root = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-bench-library-'));
const loras = path.join(root, 'loras');

async function measure(options) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await createLibrary(options).scan();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000, result };
}

function summary(label, samples) {
  const byWall = [...samples].sort((a, b) => a.wall - b.wall);
  const best = byWall[0];
  const median = byWall[Math.floor(byWall.length / 2)];
  const { result } = best;
  console.log(`${label.padEnd(26)} best ${best.wall.toFixed(0).padStart(5)} ms wall (${best.cpu.toFixed(0)} ms CPU), median ${median.wall.toFixed(0).padStart(5)} ms wall (${median.cpu.toFixed(0)} ms CPU) over ${samples.length} runs; ${result.loras.length} LoRAs, ${result.filesRead} files read, ${result.filesCached} from the index`);
  return best.wall;
}

try {
  let started = performance.now();
  await writeBenchLibrary(loras, count, { bigHeaders });
  console.log(`generated ${count} LoRA files (${bigHeaders} with large headers) in ${(performance.now() - started).toFixed(0)} ms`);
  const sample = path.join(loras, 'folder_0', 'bench_sd1_00000.safetensors');
  const headerBytes = Number((await readFile(sample)).readBigUInt64LE(0));
  console.log(`a large-header file: header ${(headerBytes / 1e6).toFixed(2)} MB, file ${((await stat(sample)).size / 1e6).toFixed(2)} MB`);

  const cold = [];
  for (let i = 0; i < runs; i++) {
    // A fresh index folder each time: every header and sidecar is read, and the index is written.
    cold.push(await measure({ loraDirs: [loras], cacheDir: path.join(root, `cache-cold-${i}`) }));
  }
  const coldBest = summary('cold scan (writes index)', cold);
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(await measure({ loraDirs: [loras], cacheDir: path.join(root, 'cache-cold-0') }));
  const warmBest = summary('warm start from the index', warm);
  console.log(`load average while measuring: ${os.loadavg().map((n) => n.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
  console.log(`cold best ${coldBest.toFixed(0)} ms (target < 2000): ${coldBest < 2000 ? 'ok' : 'SLOW'}; warm best ${warmBest.toFixed(0)} ms (target < 200): ${warmBest < 200 ? 'ok' : 'SLOW'}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
