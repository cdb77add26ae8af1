/**
 * `createLibrary(options)`: the user's LoRAs, embeddings, wildcards and checkpoints, from folders
 * and running engines, with A1111's and ComfyUI's name resolution. The linter, the language server
 * and the compiler read it; nothing here knows about them.
 */
import { watch as watchFolder, type FSWatcher } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Diagnostic } from '../core/diagnostic.js';
import { makeCard, type LoraCard } from './card.js';
import { fileDiagnostic } from './diagnostics.js';
import { readEngine } from './engines.js';
import { scanCheckpointFolder, scanEmbeddingFolder, scanLoraFolder, scanWildcardFolder, type ScanContext } from './folder-scan.js';
import { digestFile, fileHashes, type FileDigests } from './hashes.js';
import { FactsCache, indexFileFor } from './index-store.js';
import { defaultCacheDir, engineSources, folderSources, missingInstallRoots, type FolderSource, type LibraryOptions } from './options.js';
import { LoraNameTable, type Suggestion } from './resolve.js';
import type { CheckpointEntry, EmbeddingEntry, FileHashes, LibraryChange, LoraEntry, ScanResult, WildcardEntry } from './types.js';

export interface WatchHandle {
  close(): void;
}

export interface LoraLibrary {
  readonly options: LibraryOptions;
  /** Reads every source (folders from the index when unchanged, engines over HTTP). Concurrent calls run one after another. */
  scan(): Promise<ScanResult>;
  /** The result of the last scan (empty before the first). */
  readonly loras: readonly LoraEntry[];
  readonly embeddings: readonly EmbeddingEntry[];
  readonly wildcards: readonly WildcardEntry[];
  readonly checkpoints: readonly CheckpointEntry[];
  readonly diagnostics: readonly Diagnostic[];
  /** A1111 `<lora:NAME…>` → the LoRA it loads, or undefined ("Lora not found"). */
  resolveLora(name: string): LoraEntry | undefined;
  /** ComfyUI `LoraLoader.lora_name` (relative path with extension). */
  resolveComfyLora(loraName: string): LoraEntry | undefined;
  /** stable-diffusion.cpp `<lora:relpath:w>` (relative path, extension optional). */
  resolveLoraPath(relativePath: string): LoraEntry | undefined;
  /** "Did you mean": closest names that resolve, best first. */
  suggestLora(name: string, limit?: number): Suggestion[];
  /** The name A1111 writes for a LoRA (its alias, or its file name when the alias is refused). */
  promptName(entry: LoraEntry): string;
  /** `embedding:name` (ComfyUI: relative path, extension optional) or a bare name (A1111: file stem, matched case-insensitively as the tokenizer lower-cases). */
  resolveEmbedding(name: string): EmbeddingEntry | undefined;
  /** `__name__` → the wildcard, or undefined. */
  resolveWildcard(name: string): WildcardEntry | undefined;
  /** `__colo*__`, `__artists/**__`: every wildcard the glob names. */
  matchWildcards(pattern: string): WildcardEntry[];
  /** A checkpoint by A1111 title (`name.safetensors [hash]`), file name, relative path or stem. */
  resolveCheckpoint(name: string): CheckpointEntry | undefined;
  card(entry: LoraEntry): LoraCard;
  /** AutoV2, the A1111 LoRA hash and the SHA-256; computed on first request, then cached by path, size and mtime. */
  hashes(entry: { path?: string; fileFormat: 'safetensors' | 'pickle'; sshsModelHash?: string }): Promise<FileHashes | undefined>;
  /** Scans again (re-reading `paths` even if their size and mtime look unchanged) and says what changed. */
  refresh(paths?: string[]): Promise<LibraryChange>;
  /** Watches the folders; calls `onChange` (debounced) with what a refresh found. */
  watch(onChange: (change: LibraryChange) => void, options?: { debounceMs?: number; onError?: (error: Error) => void }): WatchHandle;
}

interface State {
  loras: LoraEntry[];
  embeddings: EmbeddingEntry[];
  wildcards: WildcardEntry[];
  checkpoints: CheckpointEntry[];
  diagnostics: Diagnostic[];
  table: LoraNameTable;
  embeddingsByName: Map<string, EmbeddingEntry>;
  wildcardsByName: Map<string, WildcardEntry>;
  checkpointsByName: Map<string, CheckpointEntry>;
}

function emptyState(): State {
  return {
    loras: [], embeddings: [], wildcards: [], checkpoints: [], diagnostics: [], table: new LoraNameTable([]),
    embeddingsByName: new Map(), wildcardsByName: new Map(), checkpointsByName: new Map(),
  };
}

export function createLibrary(options: LibraryOptions = {}): LoraLibrary {
  const sources = folderSources(options);
  const engines = engineSources(options);
  const timeoutMs = options.engineTimeoutMs ?? 5000;
  const cacheDir = options.cacheDir === false ? undefined : options.cacheDir ?? defaultCacheDir(options.env ?? process.env);
  const indexFile = cacheDir
    ? indexFileFor(path.resolve(options.baseDir ?? process.cwd(), cacheDir), [...sources.map((s) => `${s.kind}:${s.root}`), ...engines.map((e) => `engine:${e.url}`)])
    : undefined;
  let cachePromise: Promise<{ cache: FactsCache; diagnostics: Diagnostic[] }> | undefined;
  let state = emptyState();
  let queue: Promise<unknown> = Promise.resolve();

  const loadCache = () => (cachePromise ??= FactsCache.load(indexFile));

  async function runScan(): Promise<ScanResult> {
    const { cache, diagnostics: cacheDiagnostics } = await loadCache();
    const diagnostics: Diagnostic[] = [...cacheDiagnostics.splice(0), ...installRootDiagnostics(options, sources)];
    const real = await Promise.all(sources.map((source) => realpath(source.root).catch(() => undefined)));
    const rootsByKind = new Map<string, Set<string>>();
    sources.forEach((source, i) => {
      if (!real[i]) return;
      if (!rootsByKind.has(source.kind)) rootsByKind.set(source.kind, new Set());
      rootsByKind.get(source.kind)!.add(real[i]!);
    });
    const context: ScanContext = {
      cache,
      allowedRoots: real.filter((r): r is string => r !== undefined),
      rootsByKind,
      counts: { read: 0, cached: 0 },
    };
    cache.beginScan();
    const ofKind = (kind: FolderSource['kind']) => sources.filter((source) => source.kind === kind);
    const [loraScans, embeddingScans, wildcardScans, checkpointScans, engineLists] = await Promise.all([
      Promise.all(ofKind('lora').map((source) => scanLoraFolder(source, context))),
      Promise.all(ofKind('embedding').map((source) => scanEmbeddingFolder(source, context))),
      Promise.all(ofKind('wildcard').map((source) => scanWildcardFolder(source, context))),
      Promise.all(ofKind('checkpoint').map((source) => scanCheckpointFolder(source, context))),
      Promise.all(engines.map((engine) => readEngine(engine, timeoutMs))),
    ]);
    cache.finishScan();
    const saveProblem = await cache.save();
    if (saveProblem) diagnostics.push(saveProblem);

    const loras = loraScans.flatMap((scan) => scan.entries);
    const embeddings = embeddingScans.flatMap((scan) => scan.entries);
    const wildcards = wildcardScans.flatMap((scan) => scan.entries);
    const checkpoints = checkpointScans.flatMap((scan) => scan.entries);
    for (const scan of [...loraScans, ...embeddingScans, ...wildcardScans, ...checkpointScans, ...engineLists]) diagnostics.push(...scan.diagnostics);
    // Engine lists add what the folders did not already show (same relative path = same file).
    for (const engine of engineLists) {
      addMissing(loras, engine.loras);
      addMissing(embeddings, engine.embeddings);
      addMissing(checkpoints, engine.checkpoints);
    }
    const table = new LoraNameTable(loras);
    diagnostics.push(...table.diagnostics);
    for (const entry of [...loras, ...embeddings, ...checkpoints, ...wildcards]) diagnostics.push(...entry.diagnostics);
    state = {
      loras, embeddings, wildcards, checkpoints, diagnostics, table,
      embeddingsByName: indexBy(embeddings, (entry) => [entry.name, entry.relativePath, entry.relativePath.replace(/\.[^./]+$/, '')]),
      wildcardsByName: indexBy(wildcards, (entry) => [entry.name]),
      checkpointsByName: indexBy(checkpoints, (entry) => [entry.name, entry.relativePath, ...(entry.title ? [entry.title] : [])]),
    };
    return { loras, embeddings, wildcards, checkpoints, diagnostics, filesRead: context.counts.read, filesCached: context.counts.cached };
  }

  function scan(): Promise<ScanResult> {
    const next = queue.then(runScan, runScan);
    queue = next.catch(() => undefined);
    return next;
  }

  async function hashes(entry: { path?: string; fileFormat: 'safetensors' | 'pickle'; sshsModelHash?: string }): Promise<FileHashes | undefined> {
    if (!entry.path) return undefined;
    const { cache } = await loadCache();
    let info;
    try {
      info = await stat(entry.path);
    } catch {
      return undefined;
    }
    let digests = cache.get<FileDigests>('hashes', entry.path, info.size, info.mtimeMs);
    if (!digests) {
      digests = await digestFile(entry.path, entry.fileFormat === 'safetensors');
      cache.set('hashes', entry.path, info.size, info.mtimeMs, digests);
      await cache.save();
    }
    return fileHashes(digests, entry.sshsModelHash);
  }

  async function refresh(paths?: string[]): Promise<LibraryChange> {
    const before = snapshot(state);
    if (paths && paths.length > 0) {
      const { cache } = await loadCache();
      cache.invalidate(paths.map((p) => path.resolve(options.baseDir ?? process.cwd(), p)));
    }
    await scan();
    return diff(before, snapshot(state));
  }

  function watch(onChange: (change: LibraryChange) => void, watchOptions: { debounceMs?: number; onError?: (error: Error) => void } = {}): WatchHandle {
    const debounceMs = watchOptions.debounceMs ?? 150;
    const watchers: FSWatcher[] = [];
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const flush = () => {
      timer = undefined;
      const paths = [...pending];
      pending.clear();
      refresh(paths).then(
        (change) => {
          if (!closed && (change.added.length || change.removed.length || change.changed.length)) onChange(change);
        },
        (error: Error) => watchOptions.onError?.(error),
      );
    };
    for (const source of sources) {
      try {
        const watcher = watchFolder(source.root, { recursive: true, persistent: false }, (_event, fileName) => {
          if (closed) return;
          if (fileName) pending.add(path.join(source.root, fileName.toString()));
          if (timer) clearTimeout(timer);
          timer = setTimeout(flush, debounceMs);
        });
        watcher.on('error', (error) => watchOptions.onError?.(error));
        watchers.push(watcher);
      } catch (error) {
        watchOptions.onError?.(error as Error); // a folder that does not exist (yet)
      }
    }
    return {
      close() {
        closed = true;
        if (timer) clearTimeout(timer);
        for (const watcher of watchers) watcher.close();
      },
    };
  }

  return {
    options,
    scan,
    get loras() { return state.loras; },
    get embeddings() { return state.embeddings; },
    get wildcards() { return state.wildcards; },
    get checkpoints() { return state.checkpoints; },
    get diagnostics() { return state.diagnostics; },
    resolveLora: (name) => state.table.resolve(name),
    resolveComfyLora: (name) => state.table.resolveComfy(name),
    resolveLoraPath: (relativePath) => state.table.resolvePath(relativePath),
    suggestLora: (name, limit) => state.table.suggest(name, limit),
    promptName: (entry) => state.table.promptName(entry),
    resolveEmbedding: (name) => lookup(state.embeddingsByName, name.replace(/\\/g, '/')),
    resolveWildcard: (name) => state.wildcardsByName.get(name.trim()),
    matchWildcards: (pattern) => {
      const trimmed = pattern.trim();
      if (!/[*?[\]{}]/.test(trimmed)) return state.wildcardsByName.has(trimmed) ? [state.wildcardsByName.get(trimmed)!] : [];
      const matcher = picomatch(trimmed);
      return state.wildcards.filter((entry) => matcher(entry.name));
    },
    resolveCheckpoint: (name) => lookup(state.checkpointsByName, name.replace(/\\/g, '/')) ?? lookup(state.checkpointsByName, name.replace(/\s*\[[0-9a-f]+\]\s*$/i, '')),
    card: (entry) => makeCard(entry, state.table.promptName(entry)),
    hashes,
    refresh,
    watch,
  };
}

/** A missing install root is an error; one without a LoRA folder is probably the wrong folder. */
function installRootDiagnostics(options: LibraryOptions, sources: FolderSource[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const missing = missingInstallRoots(options);
  for (const root of missing) diagnostics.push(fileDiagnostic('library/missing-folder', 'error', `install folder not found: ${root}`, root));
  for (const [origin, root, expected, product] of [
    ['a1111-root', options.a1111Root, 'models/Lora', 'A1111/Forge'],
    ['comfyui-root', options.comfyuiRoot, 'models/loras', 'ComfyUI'],
  ] as const) {
    if (!root) continue;
    const absolute = path.resolve(options.baseDir ?? process.cwd(), root);
    if (missing.includes(absolute) || sources.some((source) => source.origin === origin && source.kind === 'lora')) continue;
    diagnostics.push(fileDiagnostic('library/missing-folder', 'warning', `no ${expected} folder under ${absolute}: is this the ${product} install folder?`, absolute));
  }
  return diagnostics;
}

function addMissing<T extends { relativePath: string }>(target: T[], extra: T[]): void {
  const known = new Set(target.map((entry) => entry.relativePath));
  for (const entry of extra) if (!known.has(entry.relativePath)) target.push(entry);
}

function indexBy<T>(entries: T[], keys: (entry: T) => string[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const entry of entries) for (const key of keys(entry)) if (!map.has(key)) map.set(key, entry);
  // Case-insensitive fallbacks, stored under a prefix that cannot collide with a real name.
  for (const entry of entries) for (const key of keys(entry)) if (!map.has(`\0${key.toLowerCase()}`)) map.set(`\0${key.toLowerCase()}`, entry);
  return map;
}

function lookup<T>(map: Map<string, T>, name: string): T | undefined {
  return map.get(name) ?? map.get(`\0${name.toLowerCase()}`);
}

function snapshot(state: State): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of state.loras) map.set(`lora:${sourceKey(entry.source)}${entry.relativePath}`, signature(entry));
  for (const entry of state.embeddings) map.set(`embedding:${sourceKey(entry.source)}${entry.relativePath}`, signature(entry));
  for (const entry of state.checkpoints) map.set(`checkpoint:${sourceKey(entry.source)}${entry.relativePath}`, signature(entry));
  for (const entry of state.wildcards) map.set(`wildcard:${entry.name}`, signature(entry));
  return map;
}

function sourceKey(source: LoraEntry['source']): string {
  return source.kind === 'folder' ? '' : `${source.url}#`;
}

function signature(entry: object): string {
  return JSON.stringify(entry, (key, value) => (key === 'diagnostics' ? (value as Diagnostic[]).map((d) => d.message) : value));
}

function diff(before: Map<string, string>, after: Map<string, string>): LibraryChange {
  const change: LibraryChange = { added: [], removed: [], changed: [] };
  for (const [key, value] of after) {
    const old = before.get(key);
    if (old === undefined) change.added.push(key);
    else if (old !== value) change.changed.push(key);
  }
  for (const key of before.keys()) if (!after.has(key)) change.removed.push(key);
  return change;
}
