/**
 * The sdprompt language server: a thin shell over the project API (see toolchain.ts). It owns the
 * open documents, the settings, the LoRA library snapshot and the tag index, and hands each request
 * the analysis of the exact document version it asks about. Every handler runs under
 * ErrorContainment, so one failing request never takes the server down.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ErrorContainment, type Logger } from './containment.js';
import { AnalysisCache } from './documents.js';
import { codeActions, FIX_ALL_KIND } from './features/code-actions.js';
import { complete, type CompletionData } from './features/completion.js';
import type { FeatureContext } from './features/context.js';
import { DiagnosticScheduler, toLspDiagnostic } from './features/diagnostics.js';
import { formatDocument } from './features/formatting.js';
import { hover, loraCard } from './features/hover.js';
import { inlayHints } from './features/inlay-hints.js';
import { definition, documentLinks, documentSymbols } from './features/navigation.js';
import { SEMANTIC_LEGEND, semanticTokens } from './features/semantic-tokens.js';
import { tagTypeName, type Tag } from './features/tag-index.js';
import type { ServerSettings } from './settings.js';
import { Workspace } from './workspace.js';
import type { LibrarySnapshot, LoraInfo, Toolchain } from './toolchain.js';

export interface ServerOptions {
  /**
   * The project API. A promise lets the server answer `initialize` while the stages still load;
   * every request about a document waits for it.
   */
  toolchain: Toolchain | Promise<Toolchain>;
  /** Where docs/rules/ lives, for diagnostic links; found next to the package when omitted. */
  rulesDocs?: string;
}

/** The custom request the VS Code gallery uses to list LoRAs. */
export const LORAS_REQUEST = 'sdprompt/loras';

export interface GalleryLora extends LoraInfo {
  /** What choosing the card inserts: `<lora:NAME:PREFERRED_WEIGHT>` and its trigger words. */
  insertText: string;
}

export class SdpromptServer {
  readonly documents = new TextDocuments(TextDocument);
  readonly containment: ErrorContainment;
  readonly analyses: AnalysisCache;
  readonly scheduler: DiagnosticScheduler;
  readonly workspace: Workspace;
  private readonly toolchain: Toolchain;
  get settings(): ServerSettings {
    return this.workspace.settings;
  }
  get library(): LibrarySnapshot {
    return this.workspace.library;
  }
  get ready(): Promise<void> {
    return this.workspace.ready;
  }
  reload(pushed: unknown): Promise<void> {
    return this.workspace.reload(pushed);
  }

  /** Resolves once the first load after `initialized` is done. */
  readonly started: Promise<void>;
  private markStarted: () => void = () => undefined;
  private clientCapabilities: ClientCapabilities = {};
  private get canFetchSettings(): boolean {
    return Boolean(this.clientCapabilities.workspace?.configuration);
  }
  private initializationOptions: unknown;
  private workspaceRoot: string | undefined;
  private pullDiagnostics = false;
  private readonly logger: Logger;
  private readonly rulesDocs: string | undefined;

  constructor(
    readonly connection: Connection,
    private readonly options: ServerOptions,
  ) {
    const server = this;
    this.logger = {
      error: (message) => connection.console.error(message),
      warn: (message) => connection.console.warn(message),
      info: (message) => connection.console.info(message),
    };
    this.containment = new ErrorContainment(this.logger);
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    const { toolchain, loaded } = whenLoaded(options.toolchain, (error) => this.logger.error(`sdprompt: the language server could not load: ${error instanceof Error ? error.message : String(error)}`));
    this.toolchain = toolchain;
    this.workspace = new Workspace(
      toolchain,
      {
        get canFetchSettings() {
          return server.canFetchSettings;
        },
        fetchSettings: () => connection.workspace.getConfiguration({ section: 'sdprompt' }),
        get initializationOptions() {
          return server.initializationOptions;
        },
        get root() {
          return server.workspaceRoot;
        },
      },
      this.logger,
      this.containment,
      () => this.refreshAll(),
    );
    this.workspace.ready = loaded;
    this.rulesDocs = options.rulesDocs ?? findRulesDocs();
    this.analyses = new AnalysisCache({
      toolchain,
      settings: () => this.settings,
      library: () => this.library,
      containment: this.containment,
    });
    this.scheduler = new DiagnosticScheduler(
      {
        ready: () => this.ready,
        currentVersion: (uri) => this.documents.get(uri)?.version,
        compute: (uri) => {
          const document = this.documents.get(uri);
          if (!document) return undefined;
          const analysis = this.analyses.get(document);
          return { version: analysis.version, diagnostics: analysis.diagnostics.filter((d) => !d.file).map((d) => toLspDiagnostic(d, this.rulesDocs)) };
        },
        publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
      },
      () => this.settings.diagnosticsDelayMs,
      (error) => this.containment.report('diagnostics', error),
    );
    this.register();
  }

  listen(): void {
    this.documents.listen(this.connection);
    this.connection.listen();
  }

  private register(): void {
    const { connection, containment: guard } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(guard.notification('initialized', () => this.initialized()));
    connection.onShutdown(() => this.dispose());
    connection.onDidChangeConfiguration(guard.notification('didChangeConfiguration', (params) => this.reload(params.settings)));
    connection.onDidChangeWatchedFiles(guard.notification('didChangeWatchedFiles', (params) => this.workspace.watchedFilesChanged(params.changes.map((change) => change.uri))));

    this.documents.onDidChangeContent((event) => {
      this.workspace.noteActivity();
      if (!this.pullDiagnostics) this.scheduler.schedule(event.document.uri);
    });
    this.documents.onDidClose((event) => {
      this.scheduler.cancel(event.document.uri);
      this.analyses.forget(event.document.uri);
      if (!this.pullDiagnostics) void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    });

    connection.languages.diagnostics.on(
      this.documentRequest('diagnostics', (params, token: CancellationToken) => {
        const document = this.documents.get(params.textDocument.uri);
        if (!document) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
        if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.ServerCancelled, 'a newer edit arrived', { retriggerRequest: true });
        const analysis = this.analyses.get(document);
        const resultId = `${document.version}:${this.generation}`;
        if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
        return {
          kind: DocumentDiagnosticReportKind.Full,
          resultId,
          items: analysis.diagnostics.filter((d) => !d.file).map((d) => toLspDiagnostic(d, this.rulesDocs)),
        };
      }),
    );
    connection.onCompletion(
      this.documentRequest('completion', async (params, token: CancellationToken) => {
        await this.workspace.ensureTags();
        return this.withContext(params.textDocument.uri, token, (context) => complete(context, context.document.offsetAt(params.position)));
      }),
    );
    connection.onCompletionResolve(guard.request('completionResolve', (item) => {
      const data = item.data as CompletionData | undefined;
      if (data?.kind === 'lora') {
        const lora = this.library.resolveLora(data.name);
        if (lora) item.documentation = { kind: 'markdown', value: loraCard(lora) };
      } else if (data?.kind === 'tag' && this.workspace.tags) {
        const tag = this.workspace.tags.tags.find((candidate) => candidate.name === data.name);
        if (tag) item.documentation = { kind: 'markdown', value: tagDocumentation(tag) };
      }
      return item;
    }));
    connection.onHover(
      this.documentRequest('hover', async (params, token: CancellationToken) => {
        await this.loadHashesAt(params.textDocument.uri, params.position);
        return this.withContext(params.textDocument.uri, token, (context) => hover(context, context.document.offsetAt(params.position)));
      }),
    );
    connection.languages.inlayHint.on(this.documentRequest('inlayHint', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, (context) => inlayHints(context, params.range))));
    connection.languages.semanticTokens.on(this.documentRequest('semanticTokens', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, (context) => semanticTokens(context)) ?? { data: [] }));
    connection.languages.semanticTokens.onRange(this.documentRequest('semanticTokensRange', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, (context) => semanticTokens(context, { start: context.document.offsetAt(params.range.start), end: context.document.offsetAt(params.range.end) })) ?? { data: [] }));
    connection.onDocumentFormatting(this.documentRequest('formatting', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, (context) => this.formatting(context)) ?? []));
    connection.onDocumentRangeFormatting(this.documentRequest('rangeFormatting', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, (context) => this.formatting(context, { start: context.document.offsetAt(params.range.start), end: context.document.offsetAt(params.range.end) })) ?? []));
    connection.onDocumentSymbol(this.documentRequest('documentSymbol', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, documentSymbols) ?? []));
    connection.onDocumentLinks(this.documentRequest('documentLinks', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, documentLinks) ?? []));
    connection.onDefinition(this.documentRequest('definition', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, (context) => definition(context, context.document.offsetAt(params.position))) ?? []));
    connection.onCodeAction(this.documentRequest('codeAction', (params, token: CancellationToken) => this.withContext(params.textDocument.uri, token, (context) => codeActions(context, params)) ?? []));
    connection.onRequest(LORAS_REQUEST, guard.request(LORAS_REQUEST, async () => {
      await this.ready;
      return this.library.loras.map((lora): GalleryLora => ({ ...lora, insertText: galleryInsertText(lora) }));
    }));
  }

  /**
   * A request about a document waits until settings, library and tags are loaded (Langium's
   * "required state"), so an early request never answers from an empty library.
   */
  private documentRequest<P, R>(where: string, handler: (params: P, token: CancellationToken) => R | Promise<R>) {
    return this.containment.request(where, async (params: P, token: CancellationToken) => {
      await this.ready;
      return handler(params, token);
    });
  }

  /** Bumped whenever settings, config or library change: pull diagnostics must then recompute. */
  private generation = 0;

  private initialize(params: InitializeParams): InitializeResult {
    this.clientCapabilities = params.capabilities ?? {};
    this.initializationOptions = params.initializationOptions;
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (folder?.startsWith('file:')) this.workspaceRoot = fileURLToPath(folder);
    this.pullDiagnostics = Boolean(this.clientCapabilities.textDocument?.diagnostic);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { resolveProvider: true, triggerCharacters: ['<', ':', '_', ',', '@', '{'] },
        hoverProvider: true,
        inlayHintProvider: { resolveProvider: false },
        semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: true },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        documentSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, FIX_ALL_KIND] },
        ...(this.pullDiagnostics ? { diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'sdprompt', version: '0.1.0' },
    };
  }

  private async initialized(): Promise<void> {
    const dynamicWatch = this.clientCapabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    if (dynamicWatch) {
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/sdprompt.config.json' },
          { globPattern: '**/package.json' },
          { globPattern: '**/*.{safetensors,pt,ckpt,json,civitai.info,png,txt,yaml,yml,csv}' },
        ],
      });
    }
    if (this.clientCapabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'sdprompt' });
    }
    try {
      await this.reload(undefined);
    } finally {
      this.markStarted();
    }
  }

  /** Everything derived from settings, config or library is stale: recompute for open documents. */
  private refreshAll(): void {
    this.generation++;
    this.analyses.invalidate();
    if (this.pullDiagnostics) {
      if (this.clientCapabilities.workspace?.diagnostics?.refreshSupport) void this.connection.languages.diagnostics.refresh();
    } else {
      for (const document of this.documents.all()) this.scheduler.schedule(document.uri);
    }
    if (this.clientCapabilities.workspace?.inlayHint?.refreshSupport) void this.connection.languages.inlayHint.refresh();
  }

  private withContext<R>(uri: string, token: CancellationToken | undefined, run: (context: FeatureContext) => R): R | null {
    const document = this.documents.get(uri);
    if (!document) return null;
    if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
    const context: FeatureContext = {
      document,
      analysis: this.analyses.get(document),
      settings: this.settings,
      library: this.library,
      catalog: this.workspace.catalog,
      toolchain: this.toolchain,
    };
    if (this.workspace.tags) context.tags = this.workspace.tags;
    return run(context);
  }

  /** A LoRA card shows file hashes; they are read from disk the first time the card is shown. */
  private async loadHashesAt(uri: string, position: { line: number; character: number }): Promise<void> {
    const document = this.documents.get(uri);
    if (!document || !this.library.loadHashes) return;
    const text = document.getText();
    const offset = document.offsetAt(position);
    const start = text.lastIndexOf('<', offset);
    const end = text.indexOf('>', start);
    if (start < 0 || end < offset) return;
    const match = /^<(?:lora|lyco):([^:>]+)/i.exec(text.slice(start, end + 1));
    const lora = match ? this.library.resolveLora(match[1]!.trim()) : undefined;
    if (lora) await this.library.loadHashes(lora);
  }

  private formatting(context: FeatureContext, range?: { start: number; end: number }) {
    const result = formatDocument(context, range);
    if (result.refused) this.logger.info(`sdprompt: not formatting ${context.document.uri}: ${result.refused}`);
    return result.edits;
  }

  dispose(): void {
    this.scheduler.dispose();
    this.workspace.dispose();
  }
}

/**
 * A toolchain still loading stands in for itself: its stages appear once loaded. Nothing reads it
 * before `loaded` resolves (requests and diagnostics wait for the workspace, which waits for this).
 */
function whenLoaded(toolchain: Toolchain | Promise<Toolchain>, onError: (error: unknown) => void): { toolchain: Toolchain; loaded: Promise<void> } {
  if (!(toolchain instanceof Promise)) return { toolchain, loaded: Promise.resolve() };
  let current: Toolchain | undefined;
  const loaded = toolchain.then(
    (value) => {
      current = value;
    },
    (error: unknown) => onError(error),
  );
  const unavailable = (): never => {
    throw new Error('the parser is not loaded');
  };
  const standIn = new Proxy({} as Toolchain, {
    get: (_target, key: string) => (current ? current[key as keyof Toolchain] : key === 'parse' ? unavailable : undefined),
  });
  return { toolchain: standIn, loaded };
}

function tagDocumentation(tag: Tag): string {
  const lines = [`**${tag.name}** · ${tagTypeName(tag.type)}`];
  if (tag.count) lines.push(`${tag.count.toLocaleString('en-US')} posts`);
  if (tag.meta) lines.push(tag.meta);
  if (tag.aliases.length > 0) lines.push(`Aliases: ${tag.aliases.map((alias) => `\`${alias}\``).join(', ')}`);
  return lines.join('\n\n');
}

/** A1111's card prompt (Lora/ui_extra_networks_lora.py): `<lora:NAME:WEIGHT>` then the activation text. */
export function galleryInsertText(lora: LoraInfo): string {
  const weight = lora.preferredWeight ?? 1;
  const tag = `<lora:${lora.name}:${Number.isInteger(weight) ? weight : Number(weight.toFixed(4))}>`;
  return lora.triggerWords.length > 0 ? `${tag}, ${lora.triggerWords.join(', ')}` : tag;
}

/** docs/rules/ of the installed package (dist/lsp/server.js → ../../docs/rules/). */
function findRulesDocs(): string | undefined {
  try {
    const directory = fileURLToPath(new URL('../../docs/rules/', import.meta.url));
    return existsSync(directory) ? pathToFileURL(directory).href + '/' : undefined;
  } catch {
    return undefined;
  }
}
