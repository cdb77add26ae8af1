/**
 * The inventory a prompt tool needs to know about the user's models: LoRAs, embeddings, wildcard
 * files and checkpoints, each read from folders on disk or from a running engine.
 * Facts come from ../shared/reference/lora-files.md and a1111.md §1, §3, §5.
 */
import type { Diagnostic } from '../core/diagnostic.js';

/**
 * The base-model family a LoRA, embedding or checkpoint was trained for. `sd3-flux` covers the
 * transformer (MMDiT/DiT) models whose keys start with `transformer.` (SD3, SD3.5, Flux).
 */
export type BaseModel = 'sd1' | 'sd2' | 'sdxl' | 'sd3-flux' | 'unknown';

/** Where a fact about a file came from, in the order the library trusts them. */
export type BaseModelSource = 'user-metadata' | 'modelspec' | 'kohya-metadata' | 'keys' | 'civitai' | 'engine' | 'none';

/** `.safetensors` is read (header only); `.pt` / `.ckpt` / `.bin` are pickle-era files that are listed, never unpickled. */
export type FileFormat = 'safetensors' | 'pickle';

/** The naming scheme of the tensor keys (lora-files.md §3). */
export type KeyFormat = 'kohya' | 'diffusers' | 'peft' | 'checkpoint' | 'embedding' | 'unknown';

/** The network algorithm, as A1111's module types tell them apart (a1111.md §1 "Network types"). */
export type NetworkAlgorithm = 'lora' | 'locon' | 'loha' | 'lokr' | 'dora' | 'full' | 'ia3' | 'oft' | 'glora' | 'unknown';

/** Where a trigger word was found, highest trust first. */
export type TriggerSource =
  /** A1111 user metadata `NAME.json` → `activation text`. */
  | 'activation-text'
  /** Civitai Helper `NAME.civitai.info` → `trainedWords`. */
  | 'civitai'
  /** safetensors metadata `modelspec.trigger_phrase`. */
  | 'modelspec'
  /** safetensors metadata `trained_words` (SimpleTuner and newer trainers). */
  | 'trained-words'
  /** The most frequent tags of the training captions (`ss_tag_frequency`): a guess, not a promise. */
  | 'tag-frequency';

export interface TriggerWord {
  text: string;
  /** Every place this word was found, highest trust first. */
  sources: TriggerSource[];
  /** For `tag-frequency`: how many training captions carried the tag. */
  count?: number;
}

/** Where an entry was found. */
export type SourceRef =
  | { kind: 'folder'; root: string }
  | { kind: 'a1111'; url: string }
  | { kind: 'comfyui'; url: string };

/** Fields every inventory item has. */
export interface FileEntryBase {
  /** The file stem: the name A1111 accepts (`JL_sectionplan`). */
  name: string;
  /** Path relative to its root with `/` separators and the extension: the name ComfyUI accepts. */
  relativePath: string;
  /** Absolute path on this machine; undefined for an item only known from an engine. */
  path?: string;
  source: SourceRef;
  fileFormat: FileFormat;
  /** File size in bytes and modification time (ms); 0 when only known from an engine. */
  size: number;
  mtimeMs: number;
  /** Problems found while reading this item (corrupt header, unreadable sidecar, …). */
  diagnostics: Diagnostic[];
}

export interface LoraEntry extends FileEntryBase {
  kind: 'lora';
  /** `ss_output_name`, or the stem when there is none (A1111 network.py NetworkOnDisk). */
  alias: string;
  /**
   * True when A1111 refuses the alias (a duplicated alias, or `none`/`Addams`): the LoRA then
   * resolves by file name only (networks.py forbidden_network_aliases).
   */
  aliasForbidden: boolean;
  keyFormat: KeyFormat;
  algorithm: NetworkAlgorithm;
  baseModel: BaseModel;
  baseModelSource: BaseModelSource;
  /**
   * What A1111's card filter would call it (network.py detect_version, overridden by the user's
   * `sd version`): SDXL for `ss_base_model_version` starting `sdxl_`, SD2 for `ss_v2`, SD1 for any
   * other metadata, Unknown without metadata.
   */
  a1111Version: 'SD1' | 'SD2' | 'SDXL' | 'Unknown';
  rank?: number;
  alpha?: number;
  /** Number of tensors in the file. */
  tensorCount: number;
  /** Which parts the LoRA touches. */
  targets: { unet: boolean; textEncoder: boolean };
  triggerWords: TriggerWord[];
  /** The A1111 user metadata `activation text`, verbatim. */
  activationText?: string;
  /** The A1111 user metadata `preferred weight`; undefined when absent or 0 (0 means "default"). */
  preferredWeight?: number;
  /** The A1111 user metadata `negative text`. */
  negativeText?: string;
  notes?: string;
  /** Description: `NAME.json` `description`, else `NAME.txt` / `NAME.description.txt`. */
  description?: string;
  /** Absolute path of the preview image, if any. */
  previewImage?: string;
  /** Title: `modelspec.title`, else the Civitai model name. */
  title?: string;
  /** Civitai `baseModel` as written (`SD 1.5`, `Pony`, …). */
  civitaiBaseModel?: string;
  /** `sshs_model_hash` from the metadata (the LoRA hash A1111 prefers). */
  sshsModelHash?: string;
  /**
   * The `__metadata__` strings the library reads and the card shows (`ss_output_name`,
   * `ss_sd_model_name`, `ss_network_*`, `ss_clip_skip`, `ss_resolution`, training dates and counts,
   * `sshs_*`, `modelspec.*` but the thumbnail, `trained_words`; see lora-entry.ts), values cut at
   * 1,000 characters, so that the index stays small. `readSafetensorsHeader(path)` has the rest.
   */
  metadata: Record<string, string>;
  /** The most frequent training tags, most frequent first (at most 30). */
  tagFrequency: Array<{ tag: string; count: number }>;
}

export interface EmbeddingEntry extends FileEntryBase {
  kind: 'embedding';
  /** Number of vectors (token slots) the embedding takes, when the header tells. */
  vectors?: number;
  baseModel: BaseModel;
}

export interface WildcardEntry {
  kind: 'wildcard';
  /** The name used as `__name__`: relative path without extension, nested keys joined with `/`. */
  name: string;
  /** Absolute path of the file the entry comes from. */
  path: string;
  relativePath: string;
  format: 'txt' | 'yaml' | 'json';
  /** The entries (lines or list items), as written. */
  values: string[];
  diagnostics: Diagnostic[];
}

export interface CheckpointEntry extends FileEntryBase {
  kind: 'checkpoint';
  baseModel: BaseModel;
  baseModelSource: BaseModelSource;
  /** True when the UNet's first convolution takes 9 input channels (an inpainting model). */
  inpainting: boolean;
  /** A1111 `title` (`name.safetensors [hash]`) when the engine listed it. */
  title?: string;
  /** The 10-hex "Model hash" the engine reported, when it did. */
  engineHash?: string;
}

/** The hashes users see (a1111.md §5, lora-files.md §6). */
export interface FileHashes {
  /** SHA-256 of the whole file, hex. */
  sha256: string;
  /** Civitai "AutoV2" / A1111 checkpoint "Model hash": the first 10 hex of sha256. */
  autoV2: string;
  /**
   * A1111's 12-hex LoRA hash (infotext `Lora hashes`): `sshs_model_hash`, else SHA-256 of the
   * tensor data (bytes after 8 + N), else (pickle) SHA-256 of the whole file; first 12 hex.
   */
  loraHash: string;
}

export interface ScanResult {
  loras: LoraEntry[];
  embeddings: EmbeddingEntry[];
  wildcards: WildcardEntry[];
  checkpoints: CheckpointEntry[];
  /** Problems of the whole scan (missing folder, unreachable engine) and of every entry. */
  diagnostics: Diagnostic[];
  /** How many files were read from disk (the rest came from the index). */
  filesRead: number;
  /** How many files were taken from the persistent index unchanged. */
  filesCached: number;
}

/** What `refresh()` or a watch event found, by kind, as names (`relativePath` for files). */
export interface LibraryChange {
  added: string[];
  removed: string[];
  changed: string[];
}
