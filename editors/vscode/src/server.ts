/** The bundled server's entry point (out/server.cjs): the sdprompt language server over stdio. */
import { runLanguageServer } from '../../../src/lsp/index.js';

runLanguageServer(process.stdin, process.stdout).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`sdprompt language server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
