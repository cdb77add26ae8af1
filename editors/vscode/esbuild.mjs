// Bundles the extension and the language server (src/lsp of the repository) into out/*.cjs, as
// Langium's examples do (examples/statemachine/esbuild.mjs): VS Code loads CommonJS extensions.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const common = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', sourcemap: true, logLevel: 'warning', absWorkingDir: here };

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'out/extension.cjs', external: ['vscode'] }),
  // import.meta.url is not defined in CommonJS: give the server a value pointing at itself.
  build({
    ...common,
    entryPoints: ['src/server.ts'],
    outfile: 'out/server.cjs',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'const importMetaUrl = require("url").pathToFileURL(__filename).href;' },
  }),
]);
