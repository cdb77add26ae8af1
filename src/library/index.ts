/**
 * The LoRA library's public API: see docs/library.md.
 */
export { createLibrary, type LoraLibrary, type WatchHandle } from './library.js';
export {
  validateLibraryOptions, defaultCacheDir, folderSources, isHttpUrl,
  type LibraryOptions, type EngineSourceOptions, type EngineKind, type OptionProblem, type FolderSource, type FolderKind,
} from './options.js';
export { makeCard, formatCard, baseModelLabel, type LoraCard } from './card.js';
export { digestFile, fileHashes, type FileDigests } from './hashes.js';
export { LoraNameTable, editDistance, type Suggestion } from './resolve.js';
export { readSafetensorsHeader, parseSafetensorsBytes, MAX_HEADER_BYTES, type SafetensorsHeader, type TensorInfo, type HeaderResult } from './safetensors.js';
export { classifyLoraKeys, classifyCheckpointKeys, classifyEmbeddingKeys, familyFromMetadata, familyFromCivitai } from './classify.js';
export { parseWildcardFile } from './wildcards.js';
export type {
  BaseModel, BaseModelSource, FileFormat, KeyFormat, NetworkAlgorithm, TriggerSource, TriggerWord, SourceRef,
  LoraEntry, EmbeddingEntry, WildcardEntry, CheckpointEntry, FileHashes, ScanResult, LibraryChange,
} from './types.js';
