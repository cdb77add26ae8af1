#!/usr/bin/env node
// Entry point of the `sdprompt` command: runs the bundled CLI (dist/bundle/, fast to load), or the
// plain compiled output (dist/cli/) when no bundle was built.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : new URL('../dist/cli/main.js', import.meta.url).href);

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`sdprompt: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
