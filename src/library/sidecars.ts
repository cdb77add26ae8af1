/**
 * Files next to a LoRA that share its stem (lora-files.md §5, a1111.md §3): the A1111 user metadata
 * `NAME.json`, Civitai Helper's `NAME.civitai.info`, a description `NAME.txt` /
 * `NAME.description.txt`, and a preview image. Parsing is pure (text in, facts or a problem out);
 * the scanner reads the files and caches the parsed facts by path, size and mtime.
 */

/** A1111 user metadata (ui_extra_networks_user_metadata.py); unknown keys are ignored. */
export interface UserMetadata {
  description?: string;
  sdVersion?: string;
  activationText?: string;
  /** 0 means "use the default multiplier" in A1111 and is kept as 0 here. */
  preferredWeight?: number;
  negativeText?: string;
  notes?: string;
}

export interface CivitaiInfo {
  trainedWords: string[];
  baseModel?: string;
  modelName?: string;
}

export type SidecarResult<T> = { ok: true; value: T } | { ok: false; problem: string };

function parseObject(text: string): SidecarResult<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { ok: false, problem: `not valid JSON (${(error as Error).message})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, problem: 'not a JSON object' };
  return { ok: true, value: parsed as Record<string, unknown> };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function parseUserMetadata(source: string): SidecarResult<UserMetadata> {
  const object = parseObject(source);
  if (!object.ok) return object;
  const data = object.value;
  const result: UserMetadata = {};
  const assign = <K extends keyof UserMetadata>(key: K, value: UserMetadata[K] | undefined) => {
    if (value !== undefined) result[key] = value;
  };
  assign('description', text(data['description']));
  assign('sdVersion', text(data['sd version']));
  assign('activationText', text(data['activation text']));
  assign('negativeText', text(data['negative text']));
  assign('notes', text(data['notes']));
  // The editor stores a number; hand-written files often hold a string ("0.6").
  const weight = data['preferred weight'];
  const number = typeof weight === 'number' ? weight : typeof weight === 'string' && weight.trim() !== '' ? Number(weight) : undefined;
  if (number !== undefined && Number.isFinite(number)) result.preferredWeight = number;
  else if (weight !== undefined && weight !== null && weight !== '') {
    return { ok: false, problem: `"preferred weight" is not a number: ${JSON.stringify(weight)}` };
  }
  return { ok: true, value: result };
}

export function parseCivitaiInfo(source: string): SidecarResult<CivitaiInfo> {
  const object = parseObject(source);
  if (!object.ok) return object;
  const data = object.value;
  const words = Array.isArray(data['trainedWords']) ? data['trainedWords'].filter((w): w is string => typeof w === 'string') : [];
  const model = data['model'];
  const modelName = model && typeof model === 'object' ? text((model as Record<string, unknown>)['name']) : undefined;
  const result: CivitaiInfo = { trainedWords: words };
  const baseModel = text(data['baseModel']);
  if (baseModel !== undefined) result.baseModel = baseModel;
  if (modelName !== undefined) result.modelName = modelName;
  return { ok: true, value: result };
}

/** A1111 allowed_preview_extensions (modules/ui_extra_networks.py), each tried as NAME.ext then NAME.preview.ext. */
export const PREVIEW_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif'] as const;

/** The preview file name for `stem` among the names of its directory (find_preview order), if any. */
export function findPreview(stem: string, names: Set<string>): string | undefined {
  for (const extension of PREVIEW_EXTENSIONS) {
    for (const candidate of [`${stem}.${extension}`, `${stem}.preview.${extension}`]) if (names.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Every preview in a directory, by stem, chosen in find_preview order: one pass over the names
 * instead of ten lookups per LoRA.
 */
export function previewIndex(names: Iterable<string>): Map<string, string> {
  const best = new Map<string, { name: string; rank: number }>();
  for (const name of names) {
    const dot = name.lastIndexOf('.');
    if (dot <= 0) continue;
    const extensionRank = (PREVIEW_EXTENSIONS as readonly string[]).indexOf(name.slice(dot + 1));
    if (extensionRank < 0) continue;
    let stem = name.slice(0, dot);
    let rank = extensionRank * 2;
    const add = (key: string, keyRank: number) => {
      const current = best.get(key);
      if (!current || keyRank < current.rank) best.set(key, { name, rank: keyRank });
    };
    add(stem, rank);
    if (stem.endsWith('.preview')) {
      stem = stem.slice(0, -'.preview'.length);
      rank += 1;
      add(stem, rank);
    }
  }
  return new Map([...best].map(([stem, { name }]) => [stem, name]));
}

/** The description file for `stem` (find_description: NAME.txt, then NAME.description.txt). */
export function findDescription(stem: string, names: Set<string>): string | undefined {
  for (const candidate of [`${stem}.txt`, `${stem}.description.txt`]) if (names.has(candidate)) return candidate;
  return undefined;
}

/** Splits comma-separated trigger text ("section plan, JL_section plan") into words. */
export function splitTriggerText(value: string): string[] {
  return value.split(',').map((word) => word.trim()).filter((word) => word !== '');
}

export { parseTagFrequency } from './tag-frequency.js';

/** `trained_words` may be a JSON array or comma-separated text. */
export function parseTrainedWords(value: string | undefined): string[] {
  if (!value) return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.filter((w): w is string => typeof w === 'string').flatMap(splitTriggerText);
    } catch {
      // fall through to comma splitting
    }
  }
  return splitTriggerText(trimmed);
}
