/**
 * The sdprompt language server: a thin shell over the project API (see toolchain.ts). It owns the
 * open documents, the settings, the LoRA library snapshot and the tag index, and hands each request
 * the analysis of the exact document version it asks about. Every handler runs under
 * ErrorContainment, so one failing request never takes the server down.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
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
import { fetchEngineCatalog } from './engine-catalog.js';
import { codeActions, FIX_ALL_KIND } from './features/code-actions.js';
import { complete, type CompletionData } from './features/completion.js';
import type { FeatureContext } from './features/context.js';
import { DiagnosticScheduler, toLspDiagnostic } from './features/diagnostics.js';
import { formatDocument } from './features/formatting.js';
import { hover, loraCard } from './features/hover.js';
import { inlayHints } from './features/inlay-hints.js';
import { definition, documentLinks, documentSymbols } from './features/navigation.js';
import { KNOWN_CATALOG, type ParameterCatalog } from './features/parameter-catalog.js';
import { SEMANTIC_LEGEND, semanticTokens } from './features/semantic-tokens.js';
import { parseTagCsv, TagIndex, tagTypeName, type Tag } from './features/tag-index.js';
import { DEFAULT_SETTINGS, normalizeSettings, type ServerSettings } from './settings.js';
import { EMPTY_LIBRARY, type LibraryHandle, type LibrarySnapshot, type LoraInfo, type Toolchain } from './toolchain.js';

export interface ServerOptions {
  toolchain: Toolchain;
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
  settings: ServerSettings = DEFAULT_SETTINGS;
  library: LibrarySnapshot = EMPTY_LIBRARY;
  tags: TagIndex | undefined;
  catalog: ParameterCatalog = KNOWN_CATALOG;
  /** Resolves when settings, library and tags are loaded (after `initialized`, then after each reload). */
  ready: Promise<void> = Promise.resolve();
  /** Resolves once the first load after `initialized` is done. */
  readonly started: Promise<void>;
  private markStarted: () => void = () => undefined;
  private clientCapabilities: ClientCapabilities = {};
  private initializationOptions: unknown;
  private workspaceRoot: string | undefined;
  private pullDiagnostics = false;
  private libraryHandle: LibraryHandle | undefined;
  private stopWatching: (() => void) | undefined;
  private readonly logger: Logger;
  private readonly rulesDocs: string | undefined;

  constructor(
    readonly connection: Connection,
    private readonly options: ServerOptions,
  ) {
    this.logger = {
      error: (message) => connection.console.error(message),
      warn: (message) => connection.console.warn(message),
      info: (message) => connection.console.info(message),
    };
    this.containment = new ErrorContainment(this.logger);
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.rulesDocs = options.rulesDocs ?? findRulesDocs();
    this.analyses = new AnalysisCache({
      toolchain: options.toolchain,
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
    connection.onDidChangeWatchedFiles(guard.notification('didChangeWatchedFiles', (params) => this.watchedFilesChanged(params.changes.map((change) => change.uri))));

    this.documents.onDidChangeContent((event) => {
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
        await this.ensureTags();
        return this.withContext(params.textDocument.uri, token, (context) => complete(context, context.document.offsetAt(params.position)));
      }),
    );
    connection.onCompletionResolve(guard.request('completionResolve', (item) => {
      const data = item.data as CompletionData | undefined;
      if (data?.kind === 'lora') {
        const lora = this.library.resolveLora(data.name);
        if (lora) item.documentation = { kind: 'markdown', value: loraCard(lora) };
      } else if (data?.kind === 'tag' && this.tags) {
        const tag = this.tags.tags.find((candidate) => candidate.name === data.name);
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
        completionProvider: { resolveProvider: true, triggerCharacters: ['<', ':', '_', ',', '@', '{', ' '] },
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

  /**
   * Reads settings, then reloads library, tags and the engine catalog, and re-checks open documents.
   * Reloads run one after another, so an older reload never overwrites a newer one's library.
   */
  async reload(pushed: unknown): Promise<void> {
    if (pushed !== undefined && pushed !== null) this.pushedSettings = pushed;
    const work = this.ready.then(() => this.loadEverything(this.pushedSettings));
    this.ready = work.catch((error) => this.containment.report('reload', error));
    await work;
  }

  /** Resolves when the tag lists of the current settings are indexed (undefined: not started). */
  private tagsLoading: Promise<void> | undefined;

  private ensureTags(): Promise<void> {
    this.tagsLoading ??= this.containment.background('tags', () => this.loadTags());
    return this.tagsLoading;
  }

  /** Settings a client pushed with didChangeConfiguration (clients without workspace/configuration). */
  private pushedSettings: unknown;

  private async loadEverything(pushed: unknown): Promise<void> {
    const raw = await this.fetchSettings(pushed);
    const { settings, problems } = normalizeSettings(raw);
    for (const problem of problems) this.logger.warn(problem);
    this.settings = this.withConfigDefaults(this.resolvePaths(settings));
    const { toolchain } = this.options;
    if (toolchain.configureTokenizer) {
      const exact = toolchain.configureTokenizer({ vocab: this.settings.clipVocab, a1111Root: this.settings.a1111Root, comfyuiRoot: this.settings.comfyuiRoot });
      if (!exact) this.logger.info('sdprompt: no CLIP vocabulary found: token counts are estimates (setting sdprompt.clipVocab)');
    }
    // Tags only matter to completion: they load on the first completion or once the server is idle,
    // never on the way to the first diagnostics.
    this.tagsLoading = undefined;
    setTimeout(() => void this.ensureTags(), 1000).unref();
    await Promise.all([
      this.containment.background('library', () => this.loadLibrary()),
      this.containment.background('engine', async () => {
        this.catalog = this.settings.engineUrl ? await fetchEngineCatalog(this.settings.engineUrl) : KNOWN_CATALOG;
      }),
    ]);
    this.options.toolchain.invalidateConfig?.();
    this.refreshAll();
  }

  private async fetchSettings(pushed: unknown): Promise<unknown> {
    if (this.clientCapabilities.workspace?.configuration) {
      try {
        const value = await this.connection.workspace.getConfiguration({ section: 'sdprompt' });
        if (value !== null && value !== undefined) return value;
      } catch (error) {
        this.logger.warn(`sdprompt: workspace/configuration failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const fromPush = (pushed as { sdprompt?: unknown } | undefined)?.sdprompt;
    return fromPush ?? this.initializationOptions;
  }

  /** Library folders and vocabulary from sdprompt.config.json fill what the editor settings leave empty. */
  private withConfigDefaults(settings: ServerSettings): ServerSettings {
    const defaults = this.options.toolchain.configDefaults?.(this.workspaceRoot ?? process.cwd(), settings.configFile);
    if (!defaults) return settings;
    const merged: ServerSettings = { ...settings };
    if (merged.loraFolders.length === 0 && defaults.loraFolders) merged.loraFolders = defaults.loraFolders;
    if (merged.embeddingFolders.length === 0 && defaults.embeddingFolders) merged.embeddingFolders = defaults.embeddingFolders;
    if (merged.wildcardFolders.length === 0 && defaults.wildcardFolders) merged.wildcardFolders = defaults.wildcardFolders;
    for (const key of ['a1111Root', 'comfyuiRoot', 'engineUrl', 'clipVocab'] as const) {
      if (!merged[key] && defaults[key]) merged[key] = defaults[key];
    }
    return merged;
  }

  private resolvePaths(settings: ServerSettings): ServerSettings {
    const base = this.workspaceRoot ?? process.cwd();
    const absolute = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
    const resolved: ServerSettings = {
      ...settings,
      loraFolders: settings.loraFolders.map(absolute),
      embeddingFolders: settings.embeddingFolders.map(absolute),
      wildcardFolders: settings.wildcardFolders.map(absolute),
      tagFiles: settings.tagFiles.map(absolute),
    };
    for (const key of ['a1111Root', 'comfyuiRoot', 'configFile', 'clipVocab'] as const) {
      if (settings[key]) resolved[key] = absolute(settings[key]!);
    }
    return resolved;
  }

  private async loadLibrary(): Promise<void> {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.libraryHandle?.dispose?.();
    this.libraryHandle = undefined;
    const { toolchain } = this.options;
    const settings = this.settings;
    const configured = settings.loraFolders.length + settings.embeddingFolders.length + settings.wildcardFolders.length > 0 || settings.a1111Root || settings.comfyuiRoot || settings.engineUrl;
    if (!toolchain.openLibrary || !configured) {
      this.library = EMPTY_LIBRARY;
      return;
    }
    const handle = toolchain.openLibrary({
      loraFolders: settings.loraFolders,
      embeddingFolders: settings.embeddingFolders,
      wildcardFolders: settings.wildcardFolders,
      a1111Root: settings.a1111Root,
      comfyuiRoot: settings.comfyuiRoot,
      engineUrl: settings.engineUrl,
    });
    this.libraryHandle = handle;
    const { snapshot, diagnostics } = await handle.scan();
    this.library = snapshot;
    for (const diagnostic of diagnostics.slice(0, 20)) this.logger.warn(`sdprompt: library: ${diagnostic.file ?? ''} ${diagnostic.message}`);
    // Watching walks the folders: start it once the first diagnostics are out.
    const watchLater = setTimeout(() => {
      if (this.libraryHandle !== handle) return;
      this.stopWatching = handle.watch?.(() => void this.containment.background('library rescan', () => this.rescanLibrary()));
    }, 500);
    watchLater.unref();
    this.stopWatching = () => clearTimeout(watchLater);
  }

  private async rescanLibrary(): Promise<void> {
    if (!this.libraryHandle) return;
    const { snapshot } = await this.libraryHandle.scan();
    this.library = snapshot;
    this.refreshAll();
  }

  private async loadTags(): Promise<void> {
    if (this.settings.tagFiles.length === 0) {
      this.tags = undefined;
      return;
    }
    const tags: Tag[] = [];
    for (const file of this.settings.tagFiles) {
      try {
        const parsed = parseTagCsv(await readFile(file, 'utf8'));
        tags.push(...parsed.tags);
        if (parsed.skipped > 0) this.logger.warn(`sdprompt: ${file}: ${parsed.skipped} malformed tag lines skipped`);
      } catch (error) {
        this.logger.warn(`sdprompt: cannot read tag file ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.tags = tags.length > 0 ? new TagIndex(tags) : undefined;
  }

  private async watchedFilesChanged(uris: string[]): Promise<void> {
    const paths = uris.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
    const configChanged = paths.some((path) => /(^|[\\/])(sdprompt\.config\.json|package\.json)$/.test(path));
    const tagChanged = paths.some((path) => this.settings.tagFiles.includes(path));
    const libraryRoots = [...this.settings.loraFolders, ...this.settings.embeddingFolders, ...this.settings.wildcardFolders, this.settings.a1111Root, this.settings.comfyuiRoot].filter((root): root is string => Boolean(root));
    const libraryChanged = paths.some((path) => libraryRoots.some((root) => path.startsWith(root)));
    if (configChanged) this.options.toolchain.invalidateConfig?.();
    if (tagChanged) await this.loadTags();
    if (libraryChanged && this.libraryHandle) {
      const { snapshot } = await this.libraryHandle.scan();
      this.library = snapshot;
    }
    if (configChanged || libraryChanged) this.refreshAll();
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
      catalog: this.catalog,
      toolchain: this.options.toolchain,
    };
    if (this.tags) context.tags = this.tags;
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
    this.stopWatching?.();
    this.libraryHandle?.dispose?.();
  }
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
