// Runs every benchmark of bench/ in turn (each prints its own numbers). Build first: npm run build.
// Usage: node bench/run.mjs [name…]   e.g. node bench/run.mjs parse tokenizer
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const helpers = new Set(['run.mjs', 'lib.mjs', 'json-grammar.mjs']);
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && !helpers.has(name))
  .filter((name) => wanted.length === 0 || wanted.includes(name.replace(/\.mjs$/, '')));
let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n== bench/${script}\n`);
  const result = spawnSync(process.execPath, [`${here}${script}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
