/**
 * Scans configured folders into inventory entries. Each file's facts come from the persistent
 * index while its size and mtime are unchanged; otherwise its header or text is read again.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { classifyCheckpointKeys, classifyEmbeddingKeys } from './classify.js';
import { fileDiagnostic } from './diagnostics.js';
import type { FactKind, FactsCache } from './index-store.js';
import { buildLoraEntry, isPickle, LORA_EXTENSIONS, readLoraFacts, type LoraFileFacts } from './lora-entry.js';
import type { FolderSource } from './options.js';
import { readSafetensorsHeaderSync } from './safetensors.js';
import {
  findDescription, parseCivitaiInfo, previewIndex, parseUserMetadata, type CivitaiInfo, type SidecarResult, type UserMetadata,
} from './sidecars.js';
import type { BaseModel, CheckpointEntry, EmbeddingEntry, LoraEntry, WildcardEntry } from './types.js';
import { walkRoot, type DirectoryListing } from './walk.js';
import { parseWildcardFile, type WildcardFileFacts } from './wildcards.js';

export interface ScanContext {
  cache: FactsCache;
  /** Real paths of every configured folder: symlinks may point only inside these. */
  allowedRoots: string[];
  /** Real paths of folders of each kind, so that a LoRA scan does not descend into a nested `embeddings` folder. */
  rootsByKind: Map<string, Set<string>>;
  /** Counters for the scan result. */
  counts: { read: number; cached: number };
}

const SIDECAR_LIMIT = 4 * 1024 * 1024;
const WILDCARD_LIMIT = 16 * 1024 * 1024;
/** The scanner gives the event loop back this often, so a language server stays responsive during a scan. */
const SLICE_MS = 8;

/**
 * Runs a synchronous `task` over `items` in order, yielding to the event loop every few ms.
 * Files are read synchronously because a thread-pool round trip per stat or header read costs more
 * than the read itself (bench/library.mjs).
 */
export async function mapCooperatively<T, R>(items: readonly T[], task: (item: T) => R): Promise<R[]> {
  const results: R[] = [];
  let sliceStart = performance.now();
  for (const item of items) {
    results.push(task(item));
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return results;
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the result order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface FoundFile {
  listing: DirectoryListing;
  fileName: string;
  absolute: string;
  relativePath: string;
  stem: string;
}

async function listFiles(source: FolderSource, context: ScanContext, extensions: readonly string[]): Promise<{ files: FoundFile[]; diagnostics: Diagnostic[] }> {
  const skipDirs = new Set<string>();
  for (const [kind, roots] of context.rootsByKind) if (kind !== source.kind) for (const root of roots) skipDirs.add(root);
  const walk = await walkRoot(source.root, context.allowedRoots, { skipDirs });
  if (source.origin !== 'option') {
    // Auto-detected folders exist by construction; a "missing folder" there would be noise.
    walk.diagnostics = walk.diagnostics.filter((d) => d.code !== 'library/missing-folder');
  }
  const files: FoundFile[] = [];
  for (const listing of walk.listings) {
    for (const fileName of listing.files) {
      const lower = fileName.toLowerCase();
      const extension = extensions.find((ext) => lower.endsWith(ext));
      if (!extension) continue;
      files.push({
        listing,
        fileName,
        absolute: path.join(listing.dir, fileName),
        relativePath: listing.relativeDir ? `${listing.relativeDir}/${fileName}` : fileName,
        stem: fileName.slice(0, fileName.length - extension.length),
      });
    }
  }
  return { files, diagnostics: walk.diagnostics };
}

function statOrUndefined(file: string): { size: number; mtimeMs: number } | undefined {
  const info = statSync(file, { throwIfNoEntry: false });
  return info && info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : undefined;
}

/** Facts for `file` from the index, or computed by `read` and stored. */
function cachedFacts<T>(context: ScanContext, kind: FactKind, file: string, info: { size: number; mtimeMs: number }, read: () => T): T {
  const cached = context.cache.get<T>(kind, file, info.size, info.mtimeMs);
  if (cached !== undefined) {
    context.counts.cached++;
    return cached;
  }
  context.counts.read++;
  const facts = read();
  context.cache.set(kind, file, info.size, info.mtimeMs, facts);
  return facts;
}

function readSidecar<T>(context: ScanContext, kind: FactKind, file: string, parse: (text: string) => SidecarResult<T>): SidecarResult<T> | undefined {
  const info = statOrUndefined(file);
  if (!info) return undefined;
  return cachedFacts(context, kind, file, info, () => {
    if (info.size > SIDECAR_LIMIT) return { ok: false, problem: `larger than ${SIDECAR_LIMIT} bytes` } as SidecarResult<T>;
    try {
      return parse(readFileSync(file, 'utf8'));
    } catch (error) {
      return { ok: false, problem: `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})` } as SidecarResult<T>;
    }
  });
}

export async function scanLoraFolder(source: FolderSource, context: ScanContext): Promise<{ entries: LoraEntry[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await listFiles(source, context, LORA_EXTENSIONS);
  const entries = await mapCooperatively(files, (found): LoraEntry | undefined => {
    const info = statOrUndefined(found.absolute);
    if (!info) return undefined; // removed while scanning
    const facts = cachedFacts<LoraFileFacts>(context, 'lora', found.absolute, info, () => readLoraFacts(found.absolute, info.size));
    const entryDiagnostics: Diagnostic[] = [];
    const sidecar = <T>(suffix: string, kind: FactKind, parse: (text: string) => SidecarResult<T>): T | undefined => {
      const name = `${found.stem}${suffix}`;
      if (!found.listing.names.has(name)) return undefined;
      const file = path.join(found.listing.dir, name);
      const result = readSidecar(context, kind, file, parse);
      if (result && !result.ok) entryDiagnostics.push(fileDiagnostic('library/bad-sidecar', 'warning', `${name}: ${result.problem}; its fields are ignored`, file));
      return result?.ok ? result.value : undefined;
    };
    const user = sidecar<UserMetadata>('.json', 'user-metadata', parseUserMetadata);
    const civitai = sidecar<CivitaiInfo>('.civitai.info', 'civitai', parseCivitaiInfo);
    const descriptionName = findDescription(found.stem, found.listing.names);
    const descriptionText = descriptionName
      ? sidecar<string>(descriptionName.slice(found.stem.length), 'description', (text) => ({ ok: true, value: text }))
      : undefined;
    const previewName = (found.listing.previews ??= previewIndex(found.listing.files)).get(found.stem);
    return buildLoraEntry({
      name: found.stem,
      relativePath: found.relativePath,
      path: found.absolute,
      source: { kind: 'folder', root: source.root },
      size: info.size,
      mtimeMs: info.mtimeMs,
      facts,
      ...(user ? { user } : {}),
      ...(civitai ? { civitai } : {}),
      ...(descriptionText !== undefined ? { descriptionText } : {}),
      ...(previewName ? { previewImage: path.join(found.listing.dir, previewName) } : {}),
      diagnostics: entryDiagnostics,
    });
  });
  return { entries: entries.filter((entry): entry is LoraEntry => entry !== undefined), diagnostics };
}

interface ModelFileFacts {
  baseModel: BaseModel;
  vectors?: number;
  inpainting?: boolean;
  problem?: string;
}

export async function scanEmbeddingFolder(source: FolderSource, context: ScanContext): Promise<{ entries: EmbeddingEntry[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await listFiles(source, context, ['.safetensors', '.pt', '.bin']);
  const entries = await mapCooperatively(files, (found): EmbeddingEntry | undefined => {
    const info = statOrUndefined(found.absolute);
    if (!info) return undefined;
    const facts = cachedFacts<ModelFileFacts>(context, 'embedding', found.absolute, info, (): ModelFileFacts => {
      if (isPickle(found.fileName)) return { baseModel: 'unknown' };
      const result = readSafetensorsHeaderSync(found.absolute, info.size);
      if (!result.ok) return { baseModel: 'unknown', problem: result.problem };
      return classifyEmbeddingKeys(result.header.tensors);
    });
    const entry: EmbeddingEntry = {
      kind: 'embedding', name: found.stem, relativePath: found.relativePath, path: found.absolute,
      source: { kind: 'folder', root: source.root }, fileFormat: isPickle(found.fileName) ? 'pickle' : 'safetensors',
      size: info.size, mtimeMs: info.mtimeMs, baseModel: facts.baseModel, diagnostics: [],
    };
    if (facts.vectors !== undefined) entry.vectors = facts.vectors;
    if (facts.problem) entry.diagnostics.push(fileDiagnostic('library/corrupt-file', 'error', `${found.relativePath}: ${facts.problem}`, found.absolute));
    return entry;
  });
  return { entries: entries.filter((entry): entry is EmbeddingEntry => entry !== undefined), diagnostics };
}

export async function scanCheckpointFolder(source: FolderSource, context: ScanContext): Promise<{ entries: CheckpointEntry[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await listFiles(source, context, ['.safetensors', '.ckpt']);
  const entries = await mapCooperatively(files, (found): CheckpointEntry | undefined => {
    const info = statOrUndefined(found.absolute);
    if (!info) return undefined;
    const facts = cachedFacts<ModelFileFacts>(context, 'checkpoint', found.absolute, info, (): ModelFileFacts => {
      if (isPickle(found.fileName)) return { baseModel: 'unknown' };
      const result = readSafetensorsHeaderSync(found.absolute, info.size);
      if (!result.ok) return { baseModel: 'unknown', problem: result.problem };
      return classifyCheckpointKeys(result.header.tensors);
    });
    const entry: CheckpointEntry = {
      kind: 'checkpoint', name: found.stem, relativePath: found.relativePath, path: found.absolute,
      source: { kind: 'folder', root: source.root }, fileFormat: isPickle(found.fileName) ? 'pickle' : 'safetensors',
      size: info.size, mtimeMs: info.mtimeMs, baseModel: facts.baseModel,
      baseModelSource: facts.baseModel === 'unknown' ? 'none' : 'keys', inpainting: facts.inpainting ?? false, diagnostics: [],
    };
    if (facts.problem) entry.diagnostics.push(fileDiagnostic('library/corrupt-file', 'error', `${found.relativePath}: ${facts.problem}`, found.absolute));
    return entry;
  });
  return { entries: entries.filter((entry): entry is CheckpointEntry => entry !== undefined), diagnostics };
}

export async function scanWildcardFolder(source: FolderSource, context: ScanContext): Promise<{ entries: WildcardEntry[]; diagnostics: Diagnostic[] }> {
  // dynamicprompts reads .txt, .yaml and .json (not .yml): wildcards/tree/build.py.
  const { files, diagnostics } = await listFiles(source, context, ['.txt', '.yaml', '.json']);
  const perFile = await mapCooperatively(files, (found): WildcardEntry[] => {
    const info = statOrUndefined(found.absolute);
    if (!info) return [];
    const facts = cachedFacts<WildcardFileFacts>(context, 'wildcard', found.absolute, info, (): WildcardFileFacts => {
      if (info.size > WILDCARD_LIMIT) return { wildcards: [], problem: `larger than ${WILDCARD_LIMIT} bytes` };
      try {
        return parseWildcardFile(found.relativePath, readFileSync(found.absolute, 'utf8'));
      } catch (error) {
        return { wildcards: [], problem: `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
      }
    });
    const format = found.fileName.toLowerCase().endsWith('.txt') ? 'txt' : found.fileName.toLowerCase().endsWith('.json') ? 'json' : 'yaml';
    const entries: WildcardEntry[] = facts.wildcards.map(({ name, values }) => ({
      kind: 'wildcard', name, values, path: found.absolute, relativePath: found.relativePath, format, diagnostics: [],
    }));
    if (facts.problem) {
      diagnostics.push(fileDiagnostic('library/bad-wildcard', 'warning', `${found.relativePath}: ${facts.problem}; dynamicprompts would skip it`, found.absolute));
    }
    return entries;
  });
  return { entries: perFile.flat(), diagnostics };
}
