#!/usr/bin/env node
// Regenerates the bundled example library (examples/loras/, laid out like an A1111 install) or,
// with `--bench DIR COUNT`, a generated library for the benchmark. Run `npx tsc -p .` first.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchLibrary, writeExampleLibrary } from '../dist/library/fixture-sets.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
if (args[0] === '--bench') {
  const [dir, count = '2000'] = args.slice(1);
  if (!dir) {
    console.error('usage: make-lora-fixtures.mjs --bench DIR [COUNT]');
    process.exit(2);
  }
  await writeBenchLibrary(path.resolve(dir), Number(count));
  console.log(`wrote ${count} LoRAs to ${path.resolve(dir)}`);
} else {
  const target = path.resolve(args[0] ?? path.join(repoRoot, 'examples', 'loras'));
  await writeExampleLibrary(target);
  console.log(`wrote the example library to ${target}`);
}
