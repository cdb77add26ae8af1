/**
 * A LoRA's card: everything the library knows about one LoRA, arranged for people (the CLI's
 * `loras show`, the editor's hover and gallery). The insert text follows A1111's card click
 * (Lora/ui_extra_networks_lora.py): `<lora:ALIAS:WEIGHT>` then a space and the activation text,
 * with `(negative text:1)` for the negative prompt.
 */
import type { BaseModel, FileHashes, LoraEntry, TriggerWord } from './types.js';

export interface LoraCard {
  /** The name to write in `<lora:…>` (the alias unless A1111 forbids it). */
  promptName: string;
  entry: LoraEntry;
  baseModelLabel: string;
  /** What clicking the card in A1111 adds to the prompt. */
  insertText: string;
  /** What it adds to the negative prompt, if anything. */
  negativeInsertText?: string;
  /** The weight the insert text uses: the preferred weight, else A1111's default multiplier 1. */
  weight: number;
  /** Training facts worth showing (`ss_sd_model_name`, `ss_clip_skip`, …), in a stable order. */
  training: Array<{ label: string; value: string }>;
}

const BASE_MODEL_LABELS: Record<BaseModel, string> = {
  sd1: 'SD1', sd2: 'SD2', sdxl: 'SDXL', 'sd3-flux': 'SD3/Flux', unknown: 'unknown',
};

export function baseModelLabel(baseModel: BaseModel): string {
  return BASE_MODEL_LABELS[baseModel];
}

const TRAINING_FIELDS: Array<[string, string]> = [
  ['ss_output_name', 'output name'],
  ['ss_sd_model_name', 'trained on'],
  ['ss_network_module', 'network module'],
  ['ss_network_dim', 'network dim'],
  ['ss_network_alpha', 'network alpha'],
  ['ss_network_args', 'network args'],
  ['ss_clip_skip', 'clip skip'],
  ['ss_resolution', 'resolution'],
  ['modelspec.resolution', 'resolution'],
  ['ss_num_train_images', 'train images'],
  ['ss_epoch', 'epoch'],
  ['ss_training_started_at', 'training started'],
  ['modelspec.architecture', 'architecture'],
];

export function makeCard(entry: LoraEntry, promptName: string): LoraCard {
  const weight = entry.preferredWeight ?? 1;
  const training: LoraCard['training'] = [];
  const seen = new Set<string>();
  for (const [key, label] of TRAINING_FIELDS) {
    const raw = entry.metadata[key];
    if (raw === undefined || raw === '' || seen.has(label)) continue;
    seen.add(label);
    training.push({ label, value: key === 'ss_training_started_at' ? formatTimestamp(raw) : raw });
  }
  const card: LoraCard = {
    promptName,
    entry,
    baseModelLabel: baseModelLabel(entry.baseModel),
    insertText: `<lora:${promptName}:${weight}>${entry.activationText ? ` ${entry.activationText}` : ''}`,
    weight,
    training,
  };
  if (entry.negativeText) card.negativeInsertText = `(${entry.negativeText}:1)`;
  return card;
}

function formatTimestamp(raw: string): string {
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : raw;
}

function triggerLine(words: TriggerWord[]): string {
  return words.map((word) => `${word.text} (${word.sources.join(', ')}${word.count !== undefined ? `, ${word.count}×` : ''})`).join('; ');
}

/** The card as plain text, one `label: value` per line. */
export function formatCard(card: LoraCard, hashes?: FileHashes): string {
  const { entry } = card;
  const lines: string[] = [];
  const line = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') lines.push(`${`${label}:`.padEnd(18)}${value}`);
  };
  lines.push(entry.title && entry.title !== entry.name ? `${entry.name} — ${entry.title}` : entry.name);
  line('prompt', card.insertText);
  line('negative', card.negativeInsertText);
  line('alias', entry.alias === entry.name ? undefined : `${entry.alias}${entry.aliasForbidden ? ' (refused by A1111: duplicated or reserved)' : ''}`);
  line('file', entry.path ?? `${entry.relativePath} (${entry.source.kind === 'folder' ? entry.source.root : entry.source.url})`);
  line('relative path', entry.relativePath);
  line('base model', `${card.baseModelLabel} (from ${entry.baseModelSource}; A1111 shows ${entry.a1111Version})`);
  line('format', `${entry.fileFormat}, ${entry.keyFormat} keys, ${entry.algorithm}${entry.tensorCount ? `, ${entry.tensorCount} tensors` : ''}`);
  line('targets', [entry.targets.unet ? 'UNet' : '', entry.targets.textEncoder ? 'text encoder' : ''].filter(Boolean).join(' + ') || undefined);
  line('rank / alpha', entry.rank !== undefined ? `${entry.rank} / ${entry.alpha ?? '–'}${entry.alpha !== undefined ? ` (scale ${round(entry.alpha / entry.rank)})` : ''}` : undefined);
  line('trigger words', triggerLine(entry.triggerWords) || '(none found)');
  line('preferred weight', entry.preferredWeight);
  line('description', entry.description?.replace(/\s*\n\s*/g, ' '));
  line('notes', entry.notes?.replace(/\s*\n\s*/g, ' '));
  line('preview', entry.previewImage);
  line('civitai base', entry.civitaiBaseModel);
  if (hashes) {
    line('AutoV2', hashes.autoV2);
    line('Lora hash', `${hashes.loraHash}${entry.sshsModelHash ? ' (sshs_model_hash)' : ''}`);
    line('sha256', hashes.sha256);
  }
  for (const { label, value } of card.training) line(label, value);
  if (entry.tagFrequency.length > 0) line('top tags', entry.tagFrequency.slice(0, 10).map(({ tag, count }) => `${tag} (${count})`).join(', '));
  for (const diagnostic of entry.diagnostics) lines.push(`${diagnostic.severity}: ${diagnostic.message} [${diagnostic.code}]`);
  return `${lines.join('\n')}\n`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
