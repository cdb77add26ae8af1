#!/usr/bin/env node
// Benchmark of `sdprompt lint` as users run it (the real CLI, a fresh process each time):
//  - 10,000 generated prompt files of about 1 KB in a temp folder, cold (target < 3 s wall);
//  - one file from a cold start (target < 200 ms wall), with and without a config file.
// Run `npx tsc -p .` first. Prints numbers; it is not a test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/sdprompt.js');
const FILES = Number(process.env.BENCH_FILES ?? 10_000);

// A small deterministic generator (no Math.random: runs are comparable).
let seed = 12345;
const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (list) => list[Math.floor(next() * list.length)];
const words = ['house', 'garden', 'section plan', 'watercolor', 'sketch', 'roof', 'window', 'door', 'tree', 'sky', 'detailed', 'masterpiece', 'line art', 'isometric', 'floor plan', 'brick', 'concrete', 'glass', 'sunlight', 'shadow'];
function tag() {
  const word = `${pick(words)} ${pick(words)}`;
  const roll = next();
  if (roll < 0.15) return `(${word}:${(0.6 + next()).toFixed(1)})`;
  if (roll < 0.22) return `((${word}))`;
  if (roll < 0.27) return `[${word}]`;
  return word;
}
function promptFile(index) {
  let text = `# generated prompt ${index}\n@params\nsteps: 30\ncfg: 7\nsize: 512x768\n`;
  while (text.length < 950) {
    text += `@prompt p${text.length}\n`;
    const tags = Array.from({ length: 12 }, tag);
    tags.push(`<lora:${pick(['JL_sectionplan', 'archi_sketch', 'archi_watercolor'])}:0.${Math.floor(next() * 9) + 1}>`);
    text += tags.join(', ') + '\n@negative\nbad quality, bad line, bad windows\n';
  }
  return text;
}

// CPU time (user + sys, all threads) next to wall time: on a shared, loaded machine wall time
// mostly measures the other processes. /usr/bin/time reports it when installed.
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function time(args, cwd) {
  const start = process.hrtime.bigint();
  const command = timeBin ? [timeBin, ['-f', 'CPU %U %S', process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
  const result = spawnSync(command[0], command[1], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status === 2) throw new Error(`sdprompt failed: ${result.stderr}`);
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(result.stderr ?? '');
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, status: result.status, stdout: result.stdout };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'sdprompt-bench-lint-'));
try {
  let bytes = 0;
  for (let index = 0; index < FILES; index++) {
    const sub = path.join(dir, 'prompts', String(index % 100));
    if (index < 100) mkdirSync(sub, { recursive: true });
    const text = promptFile(index);
    bytes += text.length;
    writeFileSync(path.join(sub, `p${index}.sdprompt`), text);
  }
  console.log(`generated ${FILES} files, ${(bytes / FILES).toFixed(0)} bytes on average`);

  const many = [];
  for (let run = 0; run < 3; run++) many.push(time(['lint', 'prompts', '--format', 'json'], dir));
  const parsed = JSON.parse(many[0].stdout);
  const problems = parsed.reduce((sum, file) => sum + file.errorCount + file.warningCount, 0);
  console.log(`lint ${FILES} files (cold process): ${many.map((run) => run.ms.toFixed(0)).join(' / ')} ms wall (target < 3000), CPU ${many.map((run) => run.cpuMs.toFixed(0)).join(' / ')} ms; ${parsed.length} files reported, ${problems} problems`);

  const cached = [time(['lint', 'prompts', '--cache'], dir), time(['lint', 'prompts', '--cache'], dir)];
  console.log(`lint ${FILES} files with --cache: first ${cached[0].ms.toFixed(0)} ms, warm ${cached[1].ms.toFixed(0)} ms`);

  const one = path.join('prompts', '0', 'p0.sdprompt');
  const singleRuns = Array.from({ length: 7 }, () => time(['lint', one], dir));
  const single = singleRuns.map((run) => run.ms).sort((a, b) => a - b);
  const singleCpu = singleRuns.map((run) => run.cpuMs).sort((a, b) => a - b);
  console.log(`lint one file, cold start, no config: median ${single[3].toFixed(0)} ms wall (min ${single[0].toFixed(0)}), CPU median ${singleCpu[3].toFixed(0)} ms (target < 200)`);
  writeFileSync(path.join(dir, 'sdprompt.config.json'), JSON.stringify({ root: true, extends: 'recommended', rules: { 'lora/weight-range': ['warn', { max: 1.2 }] } }));
  const configured = Array.from({ length: 7 }, () => time(['lint', one], dir).ms).sort((a, b) => a - b);
  console.log(`lint one file, cold start, with a config file: median ${configured[3].toFixed(0)} ms (min ${configured[0].toFixed(0)})`);
  const version = Array.from({ length: 5 }, () => time(['--version'], dir).ms).sort((a, b) => a - b);
  console.log(`load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.availableParallelism()} CPUs; for scale: sdprompt --version: median ${version[2].toFixed(0)} ms; node -e 0: ${(() => { const s = process.hrtime.bigint(); spawnSync(process.execPath, ['-e', '0']); return (Number(process.hrtime.bigint() - s) / 1e6).toFixed(0); })()} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
