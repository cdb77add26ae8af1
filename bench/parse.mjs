/**
 * Speed of parse() + analyze() (prints numbers; not a test). Run `npx tsc -p .` first, then
 * `node bench/parse.mjs`. Targets (issue 2): a 1 KB prompt file parsed and analysed in ≤ 0.2 ms (median),
 * and ≥ 10 MB/s on a 1 MB file of prompts. For scale, the same run times JSON.parse and a minimal
 * chevrotain JSON grammar (bench/json-grammar.mjs) on JSON of the same size.
 */
import { loadavg } from 'node:os';
import { analyze, parse } from '../dist/index.js';
import { createJsonParser } from './json-grammar.mjs';
import { median, random, words } from './lib.mjs';

function promptText(next) {
  const tags = [];
  const count = 8 + Math.floor(next() * 10);
  for (let i = 0; i < count; i++) {
    const word = words[Math.floor(next() * words.length)];
    const roll = next();
    if (roll < 0.15) tags.push(`(${word}:${(0.8 + next() * 0.6).toFixed(2)})`);
    else if (roll < 0.22) tags.push(`[${word}]`);
    else if (roll < 0.27) tags.push(`[${word}:${words[Math.floor(next() * words.length)]}:0.${1 + Math.floor(next() * 8)}]`);
    else if (roll < 0.3) tags.push(`((${word}))`);
    else tags.push(`a ${word}`);
  }
  return `${tags.join(', ')}, <lora:archi_sketch:0.6> <lora:archi_watercolor:0.4>`;
}

function promptFile(targetBytes, seed) {
  const next = random(seed);
  let text = '# generated for bench/parse.mjs\n@params\nsteps: 30\ncfg: 7\nsize: 512x768\nsampler: DPM++ 2M\n\n';
  text += '@fragment style\nsection plan, JL_section plan, <lora:JL_sectionplan:0.8>\n\n@negative\nbad quality, bad line, bad windows\n\n';
  let index = 0;
  while (text.length < targetBytes) {
    text += `@prompt p${index++}\n${promptText(next)},\n\${style}\n`;
    if (next() < 0.3) text += `@params\nseed: ${Math.floor(next() * 1e9)}\n`;
    text += '\n';
  }
  return text;
}

function jsonOfSameSize(targetBytes, seed) {
  const next = random(seed);
  const items = [];
  let size = 2;
  while (size < targetBytes) {
    const item = { name: `p${items.length}`, prompt: promptText(next), negative: 'bad quality, bad line, bad windows', steps: 30, cfg: 7, seed: Math.floor(next() * 1e9) };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return JSON.stringify(items);
}

/**
 * Median wall time in ms of `run` over `repeats` timed calls, after `warmup` untimed ones; also the
 * median CPU time (user + system of this process, which includes V8's GC threads), because on a shared,
 * loaded machine wall time mostly measures waiting for a core.
 */
function time(run, repeats, warmup = Math.min(repeats, 50)) {
  for (let i = 0; i < warmup; i++) run();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < repeats; i++) {
    const usage = process.cpuUsage();
    const start = process.hrtime.bigint();
    run();
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(usage);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Per-call time of a fast `run`, timed in batches (cpuUsage has microsecond resolution). */
function timeBatched(run, batches, batchSize) {
  const result = time(() => {
    for (let i = 0; i < batchSize; i++) run();
  }, batches, 5);
  return { wall: result.wall / batchSize, cpu: result.cpu / batchSize };
}

const touchConditioning = (model) => {
  let count = 0;
  for (const prompt of model.prompts) {
    count += prompt.positive.a1111.subprompts.length;
    if (prompt.negative) count += prompt.negative.a1111.subprompts.length;
  }
  return count;
};

const small = promptFile(1024, 1);
const large = promptFile(1 << 20, 2);
const json = jsonOfSameSize(large.length, 2);
const mb = (bytes, ms) => (bytes / 1e6 / (ms / 1000)).toFixed(1);

console.log(`node ${process.version}; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}; small file ${small.length} B, large file ${large.length} B, JSON ${json.length} B`);

const ms = (t, digits = 4) => `${t.wall.toFixed(digits)} ms (cpu ${t.cpu.toFixed(digits)})`;
const rate = (bytes, t) => `${mb(bytes, t.wall)} MB/s (cpu ${mb(bytes, t.cpu)} MB/s)`;

const smallParse = timeBatched(() => parse(small), 41, 50);
const smallBoth = timeBatched(() => analyze(parse(small).ast), 41, 50);
const smallFull = timeBatched(() => touchConditioning(analyze(parse(small).ast)), 41, 50);
console.log(`1 KB file, median per call: parse ${ms(smallParse)}; parse+analyze ${ms(smallBoth)} (target <= 0.2 ms); with the A1111 model read too ${ms(smallFull)}`);

const largeParse = time(() => parse(large), 9, 3);
const largeBoth = time(() => analyze(parse(large).ast), 9, 3);
const largeFull = time(() => touchConditioning(analyze(parse(large).ast)), 5, 1);
console.log(`1 MB file: parse ${ms(largeParse, 1)} = ${rate(large.length, largeParse)}; parse+analyze ${ms(largeBoth, 1)} = ${rate(large.length, largeBoth)} (target >= 10 MB/s); with the A1111 model read too ${ms(largeFull, 1)} = ${rate(large.length, largeFull)}`);

const jsonParse = time(() => JSON.parse(json), 9, 3);
const chevrotainJson = createJsonParser();
const chevrotainTime = time(() => chevrotainJson(json), 9, 3);
console.log(`for scale, same size: JSON.parse ${ms(jsonParse, 1)} = ${rate(json.length, jsonParse)}; chevrotain JSON grammar ${ms(chevrotainTime, 1)} = ${rate(json.length, chevrotainTime)}`);
