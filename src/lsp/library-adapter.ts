/**
 * The LoRA library (src/library) behind the server's LibraryHandle: a scan (then incremental
 * refreshes) turns into an immutable snapshot of what completion, hover, links and the linter show.
 */
import { createLibrary, type LoraLibrary } from '../library/index.js';
import type { LoraEntry } from '../library/types.js';
import type { LibraryHandle, LibraryOptions, LibrarySnapshot, LoraInfo } from './toolchain.js';

export function openLibrary(options: LibraryOptions): LibraryHandle {
  const library = createLibrary({
    loraDirs: options.loraFolders,
    embeddingDirs: options.embeddingFolders,
    wildcardDirs: options.wildcardFolders,
    ...(options.a1111Root ? { a1111Root: options.a1111Root } : {}),
    ...(options.comfyuiRoot ? { comfyuiRoot: options.comfyuiRoot } : {}),
    ...(options.engineUrl ? { engines: [options.engineUrl] } : {}),
  });
  let scanned = false;
  let watcher: { close(): void } | undefined;
  return {
    async scan() {
      if (!scanned) {
        await library.scan();
        scanned = true;
      } else {
        await library.refresh();
      }
      return { snapshot: snapshotOf(library), diagnostics: [...library.diagnostics] };
    },
    watch(onChange) {
      watcher = library.watch(() => onChange(), { debounceMs: 200, onError: () => undefined });
      return () => watcher?.close();
    },
    dispose() {
      watcher?.close();
    },
  };
}

function snapshotOf(library: LoraLibrary): LibrarySnapshot {
  const infos = new Map<LoraEntry, LoraInfo>();
  const infoOf = (entry: LoraEntry): LoraInfo => {
    let info = infos.get(entry);
    if (!info) {
      info = loraInfo(library, entry);
      infos.set(entry, info);
    }
    return info;
  };
  const loras = library.loras.map(infoOf);
  return {
    loras,
    embeddings: library.embeddings.map((entry) => entry.name),
    wildcards: library.wildcards.map((entry) => entry.name),
    resolveLora: (name) => {
      const entry = library.resolveLora(name);
      return entry ? infoOf(entry) : undefined;
    },
    suggestLora: (name) => library.suggestLora(name, 3).map((suggestion) => suggestion.name),
    checkpointFamily: (name) => {
      const family = library.resolveCheckpoint(name)?.baseModel;
      return family && family !== 'unknown' ? family : undefined;
    },
    loadHashes: async (info) => {
      const entry = library.resolveLora(info.name);
      if (!entry || info.hashes.AutoV2) return;
      const hashes = await library.hashes(entry);
      if (!hashes) return;
      info.hashes.AutoV2 = hashes.autoV2;
      info.hashes['LoRA hash'] = hashes.loraHash ?? info.hashes['LoRA hash'] ?? '';
      if (!info.hashes['LoRA hash']) delete info.hashes['LoRA hash'];
    },
    native: library,
  };
}

function loraInfo(library: LoraLibrary, entry: LoraEntry): LoraInfo {
  const info: LoraInfo = {
    name: library.promptName(entry),
    triggerWords: entry.triggerWords.map((word) => word.text),
    hashes: entry.sshsModelHash ? { 'LoRA hash': entry.sshsModelHash.slice(0, 12) } : {},
    baseModel: entry.baseModel,
    algorithm: entry.algorithm,
    relativePath: entry.relativePath,
  };
  if (entry.alias && !entry.aliasForbidden) info.alias = entry.alias;
  if (entry.path) info.path = entry.path;
  if (entry.preferredWeight !== undefined) info.preferredWeight = entry.preferredWeight;
  if (entry.previewImage) info.previewImage = entry.previewImage;
  if (entry.rank !== undefined) info.rank = entry.rank;
  if (entry.alpha !== undefined) info.alpha = entry.alpha;
  if (entry.description) info.description = entry.description;
  return info;
}
