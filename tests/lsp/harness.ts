/**
 * In-process LSP test harness: the real server on one end of two PassThrough streams, a
 * vscode-jsonrpc client on the other, speaking real JSON-RPC. Inputs carry cursor markers as in
 * Langium's test helpers: `a <|>house` marks a cursor, `<|bad|>` marks a range.
 */
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type {
  ClientCapabilities,
  Diagnostic,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
  Range,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { SdpromptServer } from '../../src/lsp/server.js';
import type { Toolchain } from '../../src/lsp/toolchain.js';

export interface Marked {
  text: string;
  /** Offsets of `<|>` markers. */
  cursors: number[];
  /** [start, end) of `<|…|>` markers. */
  ranges: Array<[number, number]>;
}

/** Strips `<|>` and `<|…|>` markers, returning the clean text and their offsets. */
export function parseMarkers(input: string): Marked {
  let text = '';
  const cursors: number[] = [];
  const ranges: Array<[number, number]> = [];
  const open: number[] = [];
  for (let i = 0; i < input.length; ) {
    if (input.startsWith('<|>', i)) {
      cursors.push(text.length);
      i += 3;
    } else if (input.startsWith('<|', i)) {
      open.push(text.length);
      i += 2;
    } else if (input.startsWith('|>', i) && open.length > 0) {
      ranges.push([open.pop()!, text.length]);
      i += 2;
    } else {
      text += input[i];
      i++;
    }
  }
  return { text, cursors, ranges };
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function rangeAt(text: string, [start, end]: [number, number]): Range {
  return { start: positionAt(text, start), end: positionAt(text, end) };
}

export interface HarnessOptions {
  toolchain: Toolchain;
  /** Answer to workspace/configuration for section `sdprompt`. */
  settings?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  rootUri?: string;
}

export class TestClient {
  readonly logs: Array<{ type: number; message: string }> = [];
  readonly published: PublishDiagnosticsParams[] = [];
  readonly registrations: unknown[] = [];
  private waiters: Array<{ match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  private versions = new Map<string, number>();
  settings: Record<string, unknown>;

  constructor(
    readonly connection: MessageConnection,
    readonly server: SdpromptServer,
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
    connection.onNotification('window/logMessage', (params: { type: number; message: string }) => this.logs.push(params));
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(params)) return true;
        waiter.resolve(params);
        return false;
      });
    });
    connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
      params.items.map((item) => (item.section === 'sdprompt' ? this.settings : null)),
    );
    connection.onRequest('client/registerCapability', (params: unknown) => {
      this.registrations.push(params);
      return null;
    });
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.onRequest('workspace/semanticTokens/refresh', () => null);
  }

  request<R = any>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** Waits for the next diagnostics for `uri` (optionally of a given version). */
  nextDiagnostics(uri: string, version?: number, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version ?? '?'} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match: (p) => p.uri === uri && (version === undefined || p.version === version),
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sdprompt', version: 1, text } });
  }

  /** Sends one didChange; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async replaceAll(uri: string, text: string): Promise<number> {
    return this.change(uri, [{ text }]);
  }

  async close(uri: string): Promise<void> {
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  dispose(): void {
    this.server.dispose();
    this.connection.dispose();
  }
}

/** Starts a server and an initialized client talking over in-memory streams. */
export async function startServer(options: HarnessOptions): Promise<{ client: TestClient; initialize: InitializeResult }> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const server = new SdpromptServer(serverConnection, { toolchain: options.toolchain });
  server.listen();
  const clientConnection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const client = new TestClient(clientConnection, server, options.settings ?? {});
  clientConnection.listen();
  const capabilities: ClientCapabilities = options.capabilities ?? {
    workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
    textDocument: { completion: { completionItem: { snippetSupport: true } } },
  };
  const initialize = await client.request<InitializeResult>('initialize', {
    processId: null,
    rootUri: options.rootUri ?? null,
    capabilities,
  });
  await client.notify('initialized', {});
  // Settings, library and tags load after `initialized`; wait until they are in place.
  await server.started;
  return { client, initialize };
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

export function messages(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => `${diagnostic.code}: ${diagnostic.message}`);
}
