/**
 * Builds a LoraEntry from what the file's header says (cached per file) and what its sidecars say.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { a1111Version, algorithmFromMetadata, classifyLoraKeys, familyFromCivitai, familyFromMetadata, familyFromUserVersion } from './classify.js';
import { fileDiagnostic } from './diagnostics.js';
import { readSafetensorsHeaderSync, readScalarTensorSync } from './safetensors.js';
import { parseTagFrequency, parseTrainedWords, splitTriggerText, type CivitaiInfo, type UserMetadata } from './sidecars.js';
import type {
  BaseModel, BaseModelSource, FileFormat, KeyFormat, LoraEntry, NetworkAlgorithm, SourceRef, TriggerSource, TriggerWord,
} from './types.js';

/** What one LoRA file says about itself; this is what the persistent index stores per file. */
export interface LoraFileFacts {
  fileFormat: FileFormat;
  /** Set when the header could not be read; the entry is still listed. */
  problem?: string;
  keyFormat: KeyFormat;
  algorithm: NetworkAlgorithm;
  keyBaseModel: BaseModel;
  rank?: number;
  alpha?: number;
  tensorCount: number;
  targets: { unet: boolean; textEncoder: boolean };
  looksLikeEmbedding: boolean;
  metadata: Record<string, string>;
  tagFrequency: Array<{ tag: string; count: number }>;
}

/** The extensions A1111 lists as networks (Lora/networks.py list_available_networks). */
export const LORA_EXTENSIONS = ['.safetensors', '.pt', '.ckpt'] as const;
const METADATA_VALUE_LIMIT = 1_000;

/**
 * Metadata kept on the entry (and in the index): what the library reads and the card shows.
 * Everything else (learning rates, bucket and dataset tables, the tag list summarised in
 * `tagFrequency`, `modelspec.thumbnail` images) stays in the file; `readSafetensorsHeader` reads it
 * when needed. Keeping the index small keeps a warm start fast.
 */
const KEPT_METADATA = new Set([
  'ss_output_name', 'ss_sd_model_name', 'ss_sd_model_hash', 'ss_new_sd_model_hash', 'ss_base_model_version', 'ss_v2',
  'ss_network_module', 'ss_network_dim', 'ss_network_alpha', 'ss_network_args', 'ss_clip_skip', 'ss_resolution',
  'ss_num_train_images', 'ss_num_epochs', 'ss_epoch', 'ss_training_started_at', 'ss_training_finished_at',
  'ss_training_comment', 'ss_dataset_dirs', 'ss_optimizer', 'ss_learning_rate', 'ss_seed', 'sshs_model_hash', 'sshs_legacy_hash',
  'modelspec.architecture', 'modelspec.title', 'modelspec.author', 'modelspec.description', 'modelspec.trigger_phrase',
  'modelspec.resolution', 'modelspec.date', 'modelspec.prediction_type', 'modelspec.license', 'modelspec.tags',
  'modelspec.usage_hint', 'trained_words',
]);

function keepMetadataKey(key: string): boolean {
  return KEPT_METADATA.has(key);
}

export function isPickle(fileName: string): boolean {
  return /\.(pt|ckpt|bin|pth)$/i.test(fileName);
}

/** Reads the header (never the tensors, except one scalar `alpha` when the metadata lacks it). */
export function readLoraFacts(path: string, size: number): LoraFileFacts {
  const empty: LoraFileFacts = {
    fileFormat: isPickle(path) ? 'pickle' : 'safetensors', keyFormat: 'unknown', algorithm: 'unknown', keyBaseModel: 'unknown',
    tensorCount: 0, targets: { unet: false, textEncoder: false }, looksLikeEmbedding: false, metadata: {}, tagFrequency: [],
  };
  // Pickle files can run code when loaded: list them, never open them as data.
  if (empty.fileFormat === 'pickle') return empty;
  const result = readSafetensorsHeaderSync(path, size);
  if (!result.ok) return { ...empty, problem: result.problem };
  const { header } = result;
  const keys = classifyLoraKeys(header.tensors);
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header.metadata)) {
    if (!keepMetadataKey(key)) continue;
    metadata[key] = value.length > METADATA_VALUE_LIMIT ? `${value.slice(0, METADATA_VALUE_LIMIT)}…` : value;
  }
  const facts: LoraFileFacts = {
    ...empty,
    keyFormat: keys.keyFormat,
    algorithm: keys.algorithm,
    keyBaseModel: keys.baseModel,
    tensorCount: header.tensors.size,
    targets: keys.targets,
    looksLikeEmbedding: keys.looksLikeEmbedding,
    metadata,
    tagFrequency: parseTagFrequency(header.metadata['ss_tag_frequency']),
  };
  const dim = Number(header.metadata['ss_network_dim']);
  const rank = keys.rank ?? (Number.isFinite(dim) && dim > 0 ? dim : undefined);
  if (rank !== undefined) facts.rank = rank;
  const metadataAlpha = Number(header.metadata['ss_network_alpha']);
  const alpha = header.metadata['ss_network_alpha'] !== undefined && Number.isFinite(metadataAlpha)
    ? metadataAlpha
    : keys.alphaKey ? readScalarTensorSync(path, header, keys.alphaKey) : undefined;
  if (alpha !== undefined && Number.isFinite(alpha)) facts.alpha = Math.round(alpha * 1e4) / 1e4;
  return facts;
}

export interface LoraParts {
  name: string;
  relativePath: string;
  path?: string;
  source: SourceRef;
  size: number;
  mtimeMs: number;
  facts: LoraFileFacts;
  user?: UserMetadata;
  civitai?: CivitaiInfo;
  /** Text of NAME.txt / NAME.description.txt. */
  descriptionText?: string;
  previewImage?: string;
  diagnostics: Diagnostic[];
}

/**
 * The trigger words, merged across sources (a word found twice keeps every source).
 * Tag-frequency words are a guess: the tags carried by (nearly) every training caption, at most 3.
 */
export function collectTriggerWords(
  user: UserMetadata | undefined,
  civitai: CivitaiInfo | undefined,
  metadata: Record<string, string>,
  tagFrequency: Array<{ tag: string; count: number }>,
): TriggerWord[] {
  const words: TriggerWord[] = [];
  const byKey = new Map<string, TriggerWord>();
  const add = (text: string, source: TriggerSource, count?: number) => {
    const key = text.toLowerCase();
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.sources.includes(source)) existing.sources.push(source);
      return;
    }
    const word: TriggerWord = { text, sources: [source], ...(count !== undefined ? { count } : {}) };
    byKey.set(key, word);
    words.push(word);
  };
  if (user?.activationText) for (const word of splitTriggerText(user.activationText)) add(word, 'activation-text');
  for (const entry of civitai?.trainedWords ?? []) for (const word of splitTriggerText(entry)) add(word, 'civitai');
  for (const word of splitTriggerText(metadata['modelspec.trigger_phrase'] ?? '')) add(word, 'modelspec');
  for (const word of parseTrainedWords(metadata['trained_words'])) add(word, 'trained-words');
  const top = tagFrequency[0]?.count ?? 0;
  for (const { tag, count } of tagFrequency.slice(0, 3)) if (count >= top * 0.9) add(tag, 'tag-frequency', count);
  return words;
}

export function buildLoraEntry(parts: LoraParts): LoraEntry {
  const { facts, user, civitai } = parts;
  const diagnostics = [...parts.diagnostics];
  const file = parts.path ?? parts.relativePath;
  if (facts.problem) {
    diagnostics.push(fileDiagnostic('library/corrupt-file', 'error', `${parts.relativePath}: ${facts.problem}; A1111 would fail to load this LoRA`, file));
  } else if (facts.looksLikeEmbedding) {
    diagnostics.push(fileDiagnostic('library/not-a-lora', 'warning',
      `${parts.relativePath} holds a textual-inversion embedding, not a LoRA; move it to the embeddings folder`, file));
  }
  let baseModel: BaseModel = 'unknown';
  let baseModelSource: BaseModelSource = 'none';
  const userFamily = user?.sdVersion ? familyFromUserVersion(user.sdVersion) : 'unknown';
  const metadataFamily = familyFromMetadata(facts.metadata);
  if (userFamily !== 'unknown') [baseModel, baseModelSource] = [userFamily, 'user-metadata'];
  else if (metadataFamily) [baseModel, baseModelSource] = [metadataFamily.baseModel, metadataFamily.source];
  else if (facts.keyBaseModel !== 'unknown') [baseModel, baseModelSource] = [facts.keyBaseModel, 'keys'];
  else if (civitai?.baseModel && familyFromCivitai(civitai.baseModel) !== 'unknown') {
    [baseModel, baseModelSource] = [familyFromCivitai(civitai.baseModel), 'civitai'];
  }
  // ui_extra_networks_lora.py: a user `sd version` naming an SdVersion member (exactly) wins, "Unknown" included.
  const userVersion = user?.sdVersion;
  const alias = facts.metadata['ss_output_name']?.trim() || parts.name;
  const entry: LoraEntry = {
    kind: 'lora',
    name: parts.name,
    relativePath: parts.relativePath,
    ...(parts.path !== undefined ? { path: parts.path } : {}),
    source: parts.source,
    fileFormat: facts.fileFormat,
    size: parts.size,
    mtimeMs: parts.mtimeMs,
    diagnostics,
    alias,
    aliasForbidden: false,
    keyFormat: facts.keyFormat,
    // Keys the library cannot place: the training settings may still say what the network is.
    algorithm: facts.algorithm !== 'unknown' ? facts.algorithm : algorithmFromMetadata(facts.metadata),
    baseModel,
    baseModelSource,
    a1111Version: userVersion === 'SD1' || userVersion === 'SD2' || userVersion === 'SDXL' || userVersion === 'Unknown'
      ? userVersion : a1111Version(facts.metadata),
    tensorCount: facts.tensorCount,
    targets: facts.targets,
    triggerWords: collectTriggerWords(user, civitai, facts.metadata, facts.tagFrequency),
    metadata: facts.metadata,
    tagFrequency: facts.tagFrequency,
  };
  if (facts.rank !== undefined) entry.rank = facts.rank;
  if (facts.alpha !== undefined) entry.alpha = facts.alpha;
  if (user?.activationText) entry.activationText = user.activationText;
  if (user?.preferredWeight !== undefined && user.preferredWeight !== 0) entry.preferredWeight = user.preferredWeight;
  if (user?.negativeText) entry.negativeText = user.negativeText;
  if (user?.notes) entry.notes = user.notes;
  const description = user?.description ?? parts.descriptionText?.trim();
  if (description) entry.description = description;
  if (parts.previewImage) entry.previewImage = parts.previewImage;
  const title = facts.metadata['modelspec.title'] ?? civitai?.modelName;
  if (title) entry.title = title;
  if (civitai?.baseModel) entry.civitaiBaseModel = civitai.baseModel;
  const sshs = facts.metadata['sshs_model_hash'];
  if (sshs) entry.sshsModelHash = sshs;
  return entry;
}
