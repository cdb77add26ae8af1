/**
 * The workspace the server checks against: settings (from the client, with sdprompt.config.json
 * filling gaps), the LoRA library snapshot, the tag index and the engine's sampler lists. Reloads
 * run one after another; `ready` resolves when the latest one is done, and requests about a
 * document wait for it.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorContainment, Logger } from './containment.js';
import { fetchEngineCatalog } from './engine-catalog.js';
import { KNOWN_CATALOG, type ParameterCatalog } from './features/parameter-catalog.js';
import { parseTagCsv, TagIndex, type Tag } from './features/tag-index.js';
import { DEFAULT_SETTINGS, normalizeSettings, type ServerSettings } from './settings.js';
import { EMPTY_LIBRARY, type LibraryHandle, type LibrarySnapshot, type Toolchain } from './toolchain.js';

/** What the workspace needs from the client connection. */
export interface SettingsSource {
  /** True when the client answers workspace/configuration. */
  readonly canFetchSettings: boolean;
  fetchSettings(): Promise<unknown>;
  readonly initializationOptions: unknown;
  /** The first workspace folder, for relative paths and config discovery. */
  readonly root: string | undefined;
}

/** How long the server waits without edits before it indexes the tag lists (exported for tests). */
export const TAGS_IDLE_MS = 1000;

export class Workspace {
  settings: ServerSettings = DEFAULT_SETTINGS;
  library: LibrarySnapshot = EMPTY_LIBRARY;
  tags: TagIndex | undefined;
  catalog: ParameterCatalog = KNOWN_CATALOG;
  /** Resolves when the latest reload is done. */
  ready: Promise<void> = Promise.resolve();
  private libraryHandle: LibraryHandle | undefined;
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly toolchain: Toolchain,
    private readonly client: SettingsSource,
    private readonly logger: Logger,
    private readonly containment: ErrorContainment,
    /** Settings, configuration or library changed: re-check open documents. */
    private readonly onChange: () => void,
  ) {}

  private get workspaceRoot(): string | undefined {
    return this.client.root;
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

  ensureTags(): Promise<void> {
    this.tagsLoading ??= this.containment.background('tags', () => this.loadTags());
    return this.tagsLoading;
  }

  /** Pending "load the tags once idle" timer, pushed back by every edit. */
  private idleTagTimer: NodeJS.Timeout | undefined;

  /**
   * Indexing 100,000 tags blocks the event loop for a few hundred milliseconds, so it waits for a
   * second without edits (or for the first completion, which needs it) instead of landing in the
   * middle of someone typing.
   */
  noteActivity(): void {
    if (this.tagsLoading || this.settings.tagFiles.length === 0) return;
    if (this.idleTagTimer) clearTimeout(this.idleTagTimer);
    this.idleTagTimer = setTimeout(() => {
      this.idleTagTimer = undefined;
      void this.ensureTags();
    }, TAGS_IDLE_MS);
    this.idleTagTimer.unref();
  }

  /** Settings a client pushed with didChangeConfiguration (clients without workspace/configuration). */
  private pushedSettings: unknown;

  private async loadEverything(pushed: unknown): Promise<void> {
    const raw = await this.fetchSettingsFromClient(pushed);
    const { settings, problems } = normalizeSettings(raw);
    for (const problem of problems) this.logger.warn(problem);
    this.settings = this.withConfigDefaults(this.resolvePaths(settings));
    const { toolchain } = this;
    if (toolchain.configureTokenizer) {
      const exact = toolchain.configureTokenizer({ vocab: this.settings.clipVocab, a1111Root: this.settings.a1111Root, comfyuiRoot: this.settings.comfyuiRoot });
      if (!exact) this.logger.info('sdprompt: no CLIP vocabulary found: token counts are estimates (setting sdprompt.clipVocab)');
    }
    // Tags only matter to completion: they load on the first completion or once the server is idle,
    // never on the way to the first diagnostics.
    this.tagsLoading = undefined;
    this.noteActivity();
    await Promise.all([
      this.containment.background('library', () => this.loadLibrary()),
      this.containment.background('engine', async () => {
        this.catalog = this.settings.engineUrl ? await fetchEngineCatalog(this.settings.engineUrl) : KNOWN_CATALOG;
      }),
    ]);
    this.toolchain.invalidateConfig?.();
    this.onChange();
  }

  private async fetchSettingsFromClient(pushed: unknown): Promise<unknown> {
    if (this.client.canFetchSettings) {
      try {
        const value = await this.client.fetchSettings();
        if (value !== null && value !== undefined) return value;
      } catch (error) {
        this.logger.warn(`sdprompt: workspace/configuration failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const fromPush = (pushed as { sdprompt?: unknown } | undefined)?.sdprompt;
    return fromPush ?? this.client.initializationOptions;
  }

  /** Library folders and vocabulary from sdprompt.config.json fill what the editor settings leave empty. */
  private withConfigDefaults(settings: ServerSettings): ServerSettings {
    const defaults = this.toolchain.configDefaults?.(this.workspaceRoot ?? process.cwd(), settings.configFile);
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
    const { toolchain } = this;
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
    this.onChange();
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

  async watchedFilesChanged(uris: string[]): Promise<void> {
    const paths = uris.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
    const configChanged = paths.some((path) => /(^|[\\/])(sdprompt\.config\.json|package\.json)$/.test(path));
    const tagChanged = paths.some((path) => this.settings.tagFiles.includes(path));
    const libraryRoots = [...this.settings.loraFolders, ...this.settings.embeddingFolders, ...this.settings.wildcardFolders, this.settings.a1111Root, this.settings.comfyuiRoot].filter((root): root is string => Boolean(root));
    const libraryChanged = paths.some((path) => libraryRoots.some((root) => path.startsWith(root)));
    if (configChanged) this.toolchain.invalidateConfig?.();
    if (tagChanged) await this.loadTags();
    if (libraryChanged && this.libraryHandle) {
      const { snapshot } = await this.libraryHandle.scan();
      this.library = snapshot;
    }
    if (configChanged || libraryChanged) this.onChange();
  }

  dispose(): void {
    // A shut-down server must not start indexing 100,000 tags while it waits for `exit`.
    if (this.idleTagTimer) clearTimeout(this.idleTagTimer);
    this.idleTagTimer = undefined;
    this.stopWatching?.();
    this.libraryHandle?.dispose?.();
  }
}
