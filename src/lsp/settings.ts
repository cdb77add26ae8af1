/**
 * The server's settings: section `sdprompt` of `workspace/configuration` (or the client's
 * initializationOptions when it cannot answer configuration requests). Input from the client is
 * untrusted JSON, so it is normalised field by field; a wrong type is reported and the default kept.
 */

export interface InlayHintSettings {
  /** Effective A1111 weight at the end of nested emphasis. */
  weights: boolean;
  /** Token count at the end of each 75-token chunk. */
  chunks: boolean;
}

export interface ServerSettings {
  /** LoRA folders (absolute, or relative to the workspace folder). */
  loraFolders: string[];
  embeddingFolders: string[];
  wildcardFolders: string[];
  a1111Root?: string;
  comfyuiRoot?: string;
  /** A running engine (A1111/Forge or ComfyUI) asked for samplers, schedulers and LoRAs. */
  engineUrl?: string;
  /** Tag lists in tagcomplete's CSV format: `name,type,postCount,"alias1,alias2"`. */
  tagFiles: string[];
  /** Rule configuration (`{"lora/unknown": "error"}`), merged over sdprompt.config.json. */
  rules: Record<string, unknown>;
  /** An explicit sdprompt.config.json; otherwise it is found upward from each document. */
  configFile?: string;
  /** CLIP vocabulary (directory, vocab.json or bpe_simple_vocab_16e6.txt.gz). */
  clipVocab?: string;
  /** Edits arriving within this window are coalesced into one diagnostics run. */
  diagnosticsDelayMs: number;
  inlayHints: InlayHintSettings;
  /** Completion lists are cut to this many items and marked incomplete. */
  maxCompletionItems: number;
}

export const DEFAULT_SETTINGS: ServerSettings = Object.freeze({
  loraFolders: [],
  embeddingFolders: [],
  wildcardFolders: [],
  tagFiles: [],
  rules: {},
  diagnosticsDelayMs: 0,
  inlayHints: { weights: true, chunks: true },
  maxCompletionItems: 100,
}) as ServerSettings;

/** Normalises raw settings; `problems` lists what was ignored and why. */
export function normalizeSettings(raw: unknown): { settings: ServerSettings; problems: string[] } {
  const problems: string[] = [];
  const input = isRecord(raw) ? raw : {};
  if (raw !== undefined && raw !== null && !isRecord(raw)) problems.push('sdprompt: settings must be an object');
  const strings = (key: string): string[] => {
    const value = input[key];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return value === '' ? [] : [value];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.filter((item) => item !== '');
    problems.push(`sdprompt.${key} must be a list of paths`);
    return [];
  };
  const text = (key: string): string | undefined => {
    const value = input[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    problems.push(`sdprompt.${key} must be a string`);
    return undefined;
  };
  const count = (key: string, fallback: number, min: number, max: number): number => {
    const value = input[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
    problems.push(`sdprompt.${key} must be a number from ${min} to ${max}`);
    return fallback;
  };
  const hints = isRecord(input.inlayHints) ? input.inlayHints : {};
  const flag = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
  let rules: Record<string, unknown> = {};
  if (isRecord(input.rules)) rules = { ...input.rules };
  else if (input.rules !== undefined && input.rules !== null) problems.push('sdprompt.rules must be an object');
  const settings: ServerSettings = {
    loraFolders: strings('loraFolders'),
    embeddingFolders: strings('embeddingFolders'),
    wildcardFolders: strings('wildcardFolders'),
    tagFiles: strings('tagFiles'),
    rules,
    diagnosticsDelayMs: count('diagnosticsDelayMs', DEFAULT_SETTINGS.diagnosticsDelayMs, 0, 5000),
    inlayHints: {
      weights: flag(hints.weights, true),
      chunks: flag(hints.chunks, true),
    },
    maxCompletionItems: count('maxCompletionItems', DEFAULT_SETTINGS.maxCompletionItems, 1, 10_000),
  };
  const optional = ['a1111Root', 'comfyuiRoot', 'engineUrl', 'configFile', 'clipVocab'] as const;
  for (const key of optional) {
    const value = text(key);
    if (value !== undefined) settings[key] = value;
  }
  return { settings, problems };
}

export function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
