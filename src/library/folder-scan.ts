/**
 * Scans configured folders into inventory entries. Each file's facts come from the persistent
 * index while its size and mtime are unchanged; otherwise its header or text is read again.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { classifyCheckpointKeys, classifyEmbeddingKeys } from './classify.js';
import { fileDiagnostic } from './diagnostics.js';
import type { FactKind, FactsCache } from './index-store.js';
import { buildLoraEntry, isPickle, readLoraFacts, type LoraFileFacts } from './lora-entry.js';
import type { FolderSource } from './options.js';
import { readSafetensorsHeader } from './safetensors.js';
import {
  findDescription, findPreview, parseCivitaiInfo, parseUserMetadata, type CivitaiInfo, type SidecarResult, type UserMetadata,
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
const PARALLEL_READS = 32;

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

async function statOrUndefined(file: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(file);
    return { size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}

/** Facts for `file` from the index, or computed by `read` and stored. */
async function cachedFacts<T>(
  context: ScanContext, kind: FactKind, file: string, info: { size: number; mtimeMs: number }, read: () => Promise<T>,
): Promise<T> {
  const cached = context.cache.get<T>(kind, file, info.size, info.mtimeMs);
  if (cached !== undefined) {
    context.counts.cached++;
    return cached;
  }
  context.counts.read++;
  const facts = await read();
  context.cache.set(kind, file, info.size, info.mtimeMs, facts);
  return facts;
}

async function readSidecar<T>(
  context: ScanContext, kind: FactKind, file: string, parse: (text: string) => SidecarResult<T>,
): Promise<SidecarResult<T> | undefined> {
  const info = await statOrUndefined(file);
  if (!info) return undefined;
  return cachedFacts(context, kind, file, info, async () => {
    if (info.size > SIDECAR_LIMIT) return { ok: false, problem: `larger than ${SIDECAR_LIMIT} bytes` } as SidecarResult<T>;
    try {
      return parse(await readFile(file, 'utf8'));
    } catch (error) {
      return { ok: false, problem: `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})` } as SidecarResult<T>;
    }
  });
}

export async function scanLoraFolder(source: FolderSource, context: ScanContext): Promise<{ entries: LoraEntry[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await listFiles(source, context, ['.safetensors', '.pt', '.ckpt']);
  const entries = await mapLimit(files, PARALLEL_READS, async (found): Promise<LoraEntry | undefined> => {
    const info = await statOrUndefined(found.absolute);
    if (!info) return undefined; // removed while scanning
    const facts = await cachedFacts<LoraFileFacts>(context, 'lora', found.absolute, info, () => readLoraFacts(found.absolute, info.size));
    const entryDiagnostics: Diagnostic[] = [];
    const sidecar = async <T>(suffix: string, kind: FactKind, parse: (text: string) => SidecarResult<T>): Promise<T | undefined> => {
      const name = `${found.stem}${suffix}`;
      if (!found.listing.names.has(name)) return undefined;
      const file = path.join(found.listing.dir, name);
      const result = await readSidecar(context, kind, file, parse);
      if (result && !result.ok) entryDiagnostics.push(fileDiagnostic('library/bad-sidecar', 'warning', `${name}: ${result.problem}; its fields are ignored`, file));
      return result?.ok ? result.value : undefined;
    };
    const user = await sidecar<UserMetadata>('.json', 'user-metadata', parseUserMetadata);
    const civitai = await sidecar<CivitaiInfo>('.civitai.info', 'civitai', parseCivitaiInfo);
    const descriptionName = findDescription(found.stem, found.listing.names);
    const descriptionText = descriptionName
      ? await sidecar<string>(descriptionName.slice(found.stem.length), 'description', (text) => ({ ok: true, value: text }))
      : undefined;
    const previewName = findPreview(found.stem, found.listing.names);
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
  const entries = await mapLimit(files, PARALLEL_READS, async (found): Promise<EmbeddingEntry | undefined> => {
    const info = await statOrUndefined(found.absolute);
    if (!info) return undefined;
    const facts = await cachedFacts<ModelFileFacts>(context, 'embedding', found.absolute, info, async () => {
      if (isPickle(found.fileName)) return { baseModel: 'unknown' };
      const result = await readSafetensorsHeader(found.absolute, info.size);
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
  const entries = await mapLimit(files, PARALLEL_READS, async (found): Promise<CheckpointEntry | undefined> => {
    const info = await statOrUndefined(found.absolute);
    if (!info) return undefined;
    const facts = await cachedFacts<ModelFileFacts>(context, 'checkpoint', found.absolute, info, async () => {
      if (isPickle(found.fileName)) return { baseModel: 'unknown' };
      const result = await readSafetensorsHeader(found.absolute, info.size);
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
  const perFile = await mapLimit(files, PARALLEL_READS, async (found): Promise<WildcardEntry[]> => {
    const info = await statOrUndefined(found.absolute);
    if (!info) return [];
    const facts = await cachedFacts<WildcardFileFacts>(context, 'wildcard', found.absolute, info, async () => {
      if (info.size > WILDCARD_LIMIT) return { wildcards: [], problem: `larger than ${WILDCARD_LIMIT} bytes` };
      try {
        return parseWildcardFile(found.relativePath, await readFile(found.absolute, 'utf8'));
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
