// Speed of the A1111 model (conditionA1111) on ~1 KB prompts. Run `npx tsc -p .` first.
// Prints medians in microseconds; the target is well under 100 µs for a 1 KB prompt.
import { conditionA1111 } from '../dist/semantics/a1111/index.js';
import { median } from './lib.mjs';

const pieces = ['masterpiece', 'best quality', '(a house for one family:1.2)', '[day:night:0.4]', 'section plan', 'JL_section plan', '<lora:JL_sectionplan:0.6>', '<lora:archA:0.4:0.3>', '((detailed windows))', '[blurry]', '[red|blue] roof', 'BREAK', 'garden, trees', '(soft light:0.9)', 'wide angle'];
function prompt(size, seed) {
  let s = '';
  let i = seed;
  // Whole pieces only, so the text stays well-formed.
  for (;;) {
    const next = (s ? ', ' : '') + pieces[(i = (i * 7 + 3) % pieces.length)];
    if (s.length + next.length > size) return s;
    s += next;
  }
}
const cases = {
  'well-formed 1 KB': prompt(1024, 1),
  'well-formed 1 KB with AND': prompt(500, 2) + ' AND ' + prompt(500, 3) + ':0.6',
  'well-formed 1 KB, no alternation': prompt(1024, 1).replaceAll('[red|blue]', 'red'),
  'unbalanced 1 KB (start-level resolution)': ']' + prompt(990, 4) + ' [x:1]] (',
};
// For scale on this machine (its load varies): JSON.parse of a 1 KB JSON document, same harness.
const json = JSON.stringify({ prompt: cases['well-formed 1 KB'], steps: 20 });
{
  for (let i = 0; i < 200; i++) JSON.parse(json);
  const times = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = process.hrtime.bigint();
    JSON.parse(json);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  console.log(`${'JSON.parse (for scale)'.padEnd(44)} ${String(json.length).padStart(5)} chars                    median ${median(times).toFixed(1)} µs`);
}
for (const [name, text] of Object.entries(cases)) {
  for (let i = 0; i < 200; i++) conditionA1111(text, { steps: 20 });
  const times = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = process.hrtime.bigint();
    conditionA1111(text, { steps: 20 });
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const steps = conditionA1111(text, { steps: 20 }).subprompts.reduce((n, p) => n + p.schedules.length, 0);
  console.log(`${name.padEnd(44)} ${String(text.length).padStart(5)} chars  ${String(steps).padStart(3)} schedule texts  median ${median(times).toFixed(1)} µs`);
}
