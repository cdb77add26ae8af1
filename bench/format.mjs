/**
 * Formatter throughput (prints numbers; not a test). Run `npx tsc -p .` first, then
 * `node bench/format.mjs`. Target (issue 5): at least 5 MB/s on generated prompt files.
 *
 * Measures format() on (a) 2,000 generated prompt files of about 1 KB each, written untidily
 * (extra spaces, missing spaces after commas, indented lines, `1.20` weights), (b) the same files
 * once formatted (the common `fmt --check` case: nothing to change), and (c) one 1 MB file of
 * prompts. For scale it also prints parse() alone on the same text.
 */
import { format, parse } from '../dist/index.js';
import { random, words } from './lib.mjs';

function pick(next, list) {
  return list[Math.floor(next() * list.length)];
}

/** One untidy prompt line: tags with uneven spacing, weights, schedules, LoRAs. */
function promptLine(next) {
  const tags = [];
  const count = 6 + Math.floor(next() * 8);
  for (let i = 0; i < count; i++) {
    const word = pick(next, words);
    const roll = next();
    if (roll < 0.15) tags.push(`( ${word}:${(0.8 + next() * 0.6).toFixed(2)} )`);
    else if (roll < 0.22) tags.push(`[ ${word} ]`);
    else if (roll < 0.27) tags.push(`[${word}:${pick(next, words)}:0.${1 + Math.floor(next() * 8)}]`);
    else if (roll < 0.3) tags.push(`((${word}))`);
    else if (roll < 0.33) tags.push(`<lora:archi_sketch:0.6>`);
    else tags.push(`a  ${word}`);
  }
  return '  ' + tags.map((tag) => tag + pick(next, [',', ' ,', ',  '])).join(pick(next, ['', ' ']));
}

function promptFile(targetBytes, seed) {
  const next = random(seed);
  let text = '# generated for bench/format.mjs\n@params\n  steps:30\n  cfg :7\n';
  let index = 0;
  while (text.length < targetBytes) {
    text += `@prompt p${index++}\n${promptLine(next)}\n  # a comment\n${promptLine(next)}\n@negative\nbad quality,bad line ,bad windows\n`;
  }
  return text;
}

function megabytes(texts) {
  return texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / 1e6;
}

/**
 * Median wall time of `rounds` passes, and the process CPU time of the same pass (user + system,
 * all threads, so garbage collection is counted too). On a machine shared with other work the wall
 * time also counts waiting for a CPU; the CPU time does not.
 */
function time(label, texts, run, rounds = 5) {
  for (const text of texts.slice(0, 50)) run(text); // warm up
  const samples = [];
  for (let round = 0; round < rounds; round++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const text of texts) run(text);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    samples.push({ wall, cpu: (used.user + used.system) / 1000 });
  }
  samples.sort((a, b) => a.wall - b.wall);
  const { wall, cpu } = samples[Math.floor(samples.length / 2)];
  const size = megabytes(texts);
  console.log(
    `${label.padEnd(44)} ${size.toFixed(2)} MB: wall ${wall.toFixed(0)} ms = ${(size / (wall / 1000)).toFixed(1)} MB/s; ` +
      `cpu ${cpu.toFixed(0)} ms = ${(size / (cpu / 1000)).toFixed(1)} MB/s (median of ${rounds})`,
  );
  return { wall: size / (wall / 1000), cpu: size / (cpu / 1000) };
}

const files = Array.from({ length: 2000 }, (_, i) => promptFile(1000, i + 1));
const formatted = files.map((text) => {
  const result = format(text);
  if ('error' in result) throw new Error(`generated file has errors: ${result.error[0].message}`);
  return result.output;
});
const big = [promptFile(1_000_000, 7)];

const untidy = time('format: 2,000 untidy ~1 KB files', files, (text) => format(text));
const tidy = time('format: the same files, already formatted', formatted, (text) => format(text));
const large = time('format: one 1 MB file', big, (text) => format(text));
time('parse alone: 2,000 untidy ~1 KB files', files, (text) => parse(text));
time('parse alone: one 1 MB file', big, (text) => parse(text));
const [load] = (await import('node:os')).loadavg();
const worstWall = Math.min(untidy.wall, tidy.wall, large.wall);
const worstCpu = Math.min(untidy.cpu, tidy.cpu, large.cpu);
console.log(`load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs`);
console.log(`slowest case: ${worstWall.toFixed(1)} MB/s wall, ${worstCpu.toFixed(1)} MB/s cpu; target ≥ 5 MB/s: ${worstWall >= 5 ? 'met' : worstCpu >= 5 ? 'met in CPU time only' : 'NOT met'}`);
