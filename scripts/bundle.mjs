// Bundles the compiled CLI (dist/cli/main.js) and the lint worker into dist/bundle/ with esbuild.
// Why: chevrotain 11 loads lodash-es as hundreds of small ES modules, which costs ~300 ms at every
// start; one bundled file loads in a few milliseconds. Heavy modules the CLI imports lazily
// (rendering, the language server, …) stay in separate chunks, loaded only when a command needs them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist/bundle`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/cli/main.js', 'lint-worker': 'dist/lint/lint-worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.js' },
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  // CommonJS dependencies (vscode-languageserver, ajv) call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __sdpromptCreateRequire } from 'node:module'; const require = __sdpromptCreateRequire(import.meta.url);" },
});
