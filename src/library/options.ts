/**
 * The library's configuration: a plain object, validated once, that the CLI flags, the config file
 * (src/config) and the language server settings all produce.
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type EngineKind = 'a1111' | 'comfyui';

export interface EngineSourceOptions {
  /** Base URL, e.g. `http://127.0.0.1:7860`. */
  url: string;
  /** Which API to ask; probed (A1111 first, then ComfyUI) when absent. */
  kind?: EngineKind;
}

export interface LibraryOptions {
  /** LoRA folders (A1111 `--lora-dir`, ComfyUI `models/loras`), scanned recursively in this order. */
  loraDirs?: string[];
  embeddingDirs?: string[];
  /** sd-dynamic-prompts wildcard folders. */
  wildcardDirs?: string[];
  checkpointDirs?: string[];
  /** An A1111/Forge install: `models/Lora`, `models/LyCORIS`, `embeddings`, `models/Stable-diffusion` and the dynamic-prompts `wildcards` are used when present. */
  a1111Root?: string;
  /** A ComfyUI install: `models/loras`, `models/embeddings`, `models/checkpoints` and wildcards of known custom nodes. */
  comfyuiRoot?: string;
  /** Running engines to ask for their lists. */
  engines?: Array<string | EngineSourceOptions>;
  /** One running engine (the config file's `engineUrl`); same as a one-element `engines`. */
  engineUrl?: string;
  /** Per-request timeout for engines, ms (default 5000). */
  engineTimeoutMs?: number;
  /** Where the persistent index lives; `false` keeps everything in memory. Default: see `defaultCacheDir`. */
  cacheDir?: string | false;
  /** Relative paths are resolved against this folder (default: the process's working directory). */
  baseDir?: string;
  /** Environment used to find the default cache directory (default: process.env). */
  env?: Record<string, string | undefined>;
}

export interface OptionProblem {
  /** Dotted path of the offending option (`loraDirs.1`). */
  path: string;
  message: string;
}

const STRING_LISTS = ['loraDirs', 'embeddingDirs', 'wildcardDirs', 'checkpointDirs'] as const;
const KNOWN_KEYS = new Set<string>([...STRING_LISTS, 'a1111Root', 'comfyuiRoot', 'engines', 'engineUrl', 'engineTimeoutMs', 'cacheDir', 'baseDir', 'env']);

/** Checks an untrusted object (from JSON or settings) and returns the options or every problem found. */
export function validateLibraryOptions(input: unknown): { ok: true; options: LibraryOptions } | { ok: false; problems: OptionProblem[] } {
  const problems: OptionProblem[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '', message: 'library options must be an object' }] };
  }
  const data = input as Record<string, unknown>;
  for (const key of Object.keys(data)) {
    if (!KNOWN_KEYS.has(key)) problems.push({ path: key, message: `unknown option "${key}" (known: ${[...KNOWN_KEYS].join(', ')})` });
  }
  for (const key of STRING_LISTS) {
    const value = data[key];
    if (value === undefined) continue;
    if (!Array.isArray(value)) problems.push({ path: key, message: 'must be a list of folder paths' });
    else value.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') problems.push({ path: `${key}.${i}`, message: 'must be a non-empty path' });
    });
  }
  for (const key of ['a1111Root', 'comfyuiRoot', 'baseDir'] as const) {
    const value = data[key];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) problems.push({ path: key, message: 'must be a non-empty path' });
  }
  if (data['cacheDir'] !== undefined && data['cacheDir'] !== false && (typeof data['cacheDir'] !== 'string' || data['cacheDir'] === '')) {
    problems.push({ path: 'cacheDir', message: 'must be a folder path or false' });
  }
  const timeout = data['engineTimeoutMs'];
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > 600_000)) {
    problems.push({ path: 'engineTimeoutMs', message: 'must be a number of milliseconds between 1 and 600000' });
  }
  const engines = data['engines'];
  if (engines !== undefined) {
    if (!Array.isArray(engines)) problems.push({ path: 'engines', message: 'must be a list of URLs or {url, kind}' });
    else engines.forEach((engine, i) => {
      const url = typeof engine === 'string' ? engine : engine && typeof engine === 'object' ? (engine as Record<string, unknown>)['url'] : undefined;
      const kind = engine && typeof engine === 'object' ? (engine as Record<string, unknown>)['kind'] : undefined;
      if (typeof url !== 'string' || !isHttpUrl(url)) problems.push({ path: `engines.${i}`, message: `not an http(s) URL: ${JSON.stringify(url)}` });
      if (kind !== undefined && kind !== 'a1111' && kind !== 'comfyui') problems.push({ path: `engines.${i}.kind`, message: 'must be "a1111" or "comfyui"' });
    });
  }
  const engineUrl = data['engineUrl'];
  if (engineUrl !== undefined && (typeof engineUrl !== 'string' || !isHttpUrl(engineUrl))) {
    problems.push({ path: 'engineUrl', message: `not an http(s) URL: ${JSON.stringify(engineUrl)}` });
  }
  if (data['env'] !== undefined && (data['env'] === null || typeof data['env'] !== 'object')) problems.push({ path: 'env', message: 'must be an object' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, options: data as LibraryOptions };
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `SDPROMPT_CACHE_DIR`, else `$XDG_CACHE_HOME/sdprompt`, else `~/.cache/sdprompt`. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env['SDPROMPT_CACHE_DIR']) return path.resolve(env['SDPROMPT_CACHE_DIR']);
  if (env['XDG_CACHE_HOME']) return path.join(path.resolve(env['XDG_CACHE_HOME']), 'sdprompt');
  return path.join(os.homedir(), '.cache', 'sdprompt');
}

export type FolderKind = 'lora' | 'embedding' | 'wildcard' | 'checkpoint';

export interface FolderSource {
  kind: FolderKind;
  /** Absolute path. */
  root: string;
  /** `option` folders must exist (a missing one is reported); auto-detected ones are used only when present. */
  origin: 'option' | 'a1111-root' | 'comfyui-root';
}

/** Sub-folders of an A1111/Forge install (paths.py, preload.py of the Lora extension, sd-dynamic-prompts). */
const A1111_LAYOUT: Array<[FolderKind, string]> = [
  ['lora', 'models/Lora'],
  ['lora', 'models/LyCORIS'],
  ['embedding', 'embeddings'],
  ['checkpoint', 'models/Stable-diffusion'],
  ['wildcard', 'extensions/sd-dynamic-prompts/wildcards'],
  ['wildcard', 'wildcards'],
];

/** Sub-folders of a ComfyUI install (folder_paths.py; wildcard folders of comfyui-dynamicprompts and Impact Pack). */
const COMFYUI_LAYOUT: Array<[FolderKind, string]> = [
  ['lora', 'models/loras'],
  ['embedding', 'models/embeddings'],
  ['checkpoint', 'models/checkpoints'],
  ['wildcard', 'custom_nodes/comfyui-dynamicprompts/wildcards'],
  ['wildcard', 'custom_nodes/ComfyUI-Impact-Pack/wildcards'],
  ['wildcard', 'wildcards'],
];

/** Every folder to scan, in A1111's order: explicit folders first, then the install roots. */
export function folderSources(options: LibraryOptions): FolderSource[] {
  const base = options.baseDir ?? process.cwd();
  const sources: FolderSource[] = [];
  const seen = new Set<string>();
  const add = (kind: FolderKind, root: string, origin: FolderSource['origin']) => {
    const absolute = path.resolve(base, root);
    const key = `${kind}\0${absolute}`;
    if (seen.has(key)) return;
    seen.add(key);
    sources.push({ kind, root: absolute, origin });
  };
  for (const dir of options.loraDirs ?? []) add('lora', dir, 'option');
  for (const dir of options.embeddingDirs ?? []) add('embedding', dir, 'option');
  for (const dir of options.wildcardDirs ?? []) add('wildcard', dir, 'option');
  for (const dir of options.checkpointDirs ?? []) add('checkpoint', dir, 'option');
  for (const [rootOption, layout, origin] of [
    [options.a1111Root, A1111_LAYOUT, 'a1111-root'],
    [options.comfyuiRoot, COMFYUI_LAYOUT, 'comfyui-root'],
  ] as const) {
    if (!rootOption) continue;
    const root = path.resolve(base, rootOption);
    for (const [kind, relative] of layout) {
      const dir = path.join(root, relative);
      if (isDirectory(dir)) add(kind, dir, origin);
    }
  }
  return sources;
}

/** The install roots that must exist, to report a mistyped `--a1111-root`. */
export function missingInstallRoots(options: LibraryOptions): string[] {
  const base = options.baseDir ?? process.cwd();
  return [options.a1111Root, options.comfyuiRoot]
    .filter((root): root is string => Boolean(root))
    .map((root) => path.resolve(base, root))
    .filter((root) => !isDirectory(root));
}

function isDirectory(dir: string): boolean {
  try {
    return existsSync(dir) && statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export function engineSources(options: LibraryOptions): EngineSourceOptions[] {
  const engines = (options.engines ?? []).map((engine) => (typeof engine === 'string' ? { url: engine } : engine));
  if (options.engineUrl && !engines.some((engine) => engine.url === options.engineUrl)) engines.push({ url: options.engineUrl });
  return engines;
}
