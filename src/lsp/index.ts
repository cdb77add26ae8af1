/**
 * The language server's entry points: `runLanguageServer` (what `sdprompt lsp` and the VS Code
 * extension's bundled server run) and `SdpromptServer` for tests that wire their own connection.
 */
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { SdpromptServer } from './server.js';
import type { Toolchain } from './toolchain.js';

export { SdpromptServer, LORAS_REQUEST, galleryInsertText, type GalleryLora, type ServerOptions } from './server.js';
export { normalizeSettings, DEFAULT_SETTINGS, type ServerSettings } from './settings.js';
export { parseTagCsv, TagIndex, type Tag } from './features/tag-index.js';
export type { Toolchain, LibrarySnapshot, LoraInfo } from './toolchain.js';

export interface RunOptions {
  /** The project API; the real one (loadToolchain) by default. */
  toolchain?: Toolchain;
}

/**
 * Serves LSP over a pair of streams until the input closes. Messages go through stream readers
 * (not raw streams) so that closing the input ends this function instead of the process.
 */
export async function runLanguageServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, options: RunOptions = {}): Promise<void> {
  // The stages load while the client and server shake hands; requests wait for them.
  const toolchain = options.toolchain ?? import('./project-toolchain.js').then((module) => module.loadToolchain());
  // On stdio anything printed to stdout corrupts the protocol: send stray console output to stderr.
  if (output === process.stdout) {
    console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  }
  const reader = new StreamMessageReader(input);
  const writer = new StreamMessageWriter(output);
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  const server = new SdpromptServer(connection, { toolchain });
  const closed = new Promise<void>((resolve) => {
    reader.onClose(() => resolve());
    connection.onExit(() => resolve());
  });
  server.listen();
  await closed;
  server.dispose();
}
