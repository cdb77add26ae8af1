/**
 * Finding a CLIP vocabulary already on the user's disk (clip-tokenizer.md §4), in order:
 * 1. an explicit path (option, config, or `SDPROMPT_CLIP_VOCAB`): a directory, `vocab.json`/`merges.txt`,
 *    or `bpe_simple_vocab_16e6.txt.gz`;
 * 2. configured ComfyUI roots: `comfy/sd1_tokenizer/{vocab.json,merges.txt}`;
 * 3. the Hugging Face hub cache: `models--openai--clip-vit-large-patch14/snapshots/<refs/main>/`;
 * 4. `bpe_simple_vocab_16e6.txt.gz` in the `open_clip` or `clip` Python package of a site-packages
 *    directory found cheaply (A1111 venvs, virtualenv/conda, user and system Python).
 * The first hit that loads and validates wins. An explicit path that does not work is an error, never
 * skipped silently.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  VocabularyError,
  vocabularyFromGzip,
  vocabularyFromHuggingFace,
  type ClipVocabulary,
} from './vocabulary.js';

export const VOCABULARY_ENV = 'SDPROMPT_CLIP_VOCAB';
const GZ_NAME = 'bpe_simple_vocab_16e6.txt.gz';
const HF_REPOSITORIES = ['models--openai--clip-vit-large-patch14', 'models--laion--CLIP-ViT-bigG-14-laion2B-39B-b160k'];

export type VocabularyKind = 'explicit' | 'comfyui' | 'huggingface' | 'python-package';

/** Where a vocabulary was found: either a merges .gz or a vocab.json + merges.txt pair. */
export interface VocabularyLocation {
  kind: VocabularyKind;
  gzip?: string;
  vocabJson?: string;
  mergesTxt?: string;
}

export interface DiscoveryOptions {
  /** `--vocab` or the config's path; takes precedence over `SDPROMPT_CLIP_VOCAB`. */
  explicitPath?: string;
  /** ComfyUI installations (the folder holding `comfy/`, or a portable build's parent). */
  comfyuiRoots?: string[];
  /** A1111/Forge installations, whose `venv` may hold open_clip. */
  a1111Roots?: string[];
  env?: NodeJS.ProcessEnv;
  /** Home directory (default os.homedir()). */
  home?: string;
  /** Relative explicit paths resolve against this (default process.cwd()). */
  cwd?: string;
}

export interface DiscoveryResult {
  vocabulary?: ClipVocabulary;
  location?: VocabularyLocation;
  /** Every place looked at, in order, for the "not found" message. */
  searched: string[];
  /** Candidates that existed but failed to load, with the reason. */
  rejected: string[];
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A vocabulary in one directory: a vocab.json + merges.txt pair first, then the .gz. */
function locationInDirectory(dir: string, kind: VocabularyKind): VocabularyLocation | undefined {
  const vocabJson = path.join(dir, 'vocab.json');
  const mergesTxt = path.join(dir, 'merges.txt');
  if (isFile(vocabJson) && isFile(mergesTxt)) return { kind, vocabJson, mergesTxt };
  const gzip = path.join(dir, GZ_NAME);
  if (isFile(gzip)) return { kind, gzip };
  return undefined;
}

/** An explicit path: a directory (also its `tokenizer/` subfolder), a vocab.json, a merges.txt or a .gz. */
export function explicitLocation(target: string): VocabularyLocation {
  if (isDirectory(target)) {
    const found = locationInDirectory(target, 'explicit') ?? locationInDirectory(path.join(target, 'tokenizer'), 'explicit');
    if (found) return found;
    throw new VocabularyError(`${target}: no vocab.json + merges.txt or ${GZ_NAME} in this directory`);
  }
  if (!isFile(target)) throw new VocabularyError(`${target}: no such file or directory`);
  const base = path.basename(target);
  const dir = path.dirname(target);
  if (base.endsWith('.gz')) return { kind: 'explicit', gzip: target };
  if (base.endsWith('.json')) {
    const mergesTxt = path.join(dir, 'merges.txt');
    if (!isFile(mergesTxt)) throw new VocabularyError(`${target}: merges.txt is missing next to it`);
    return { kind: 'explicit', vocabJson: target, mergesTxt };
  }
  if (base.endsWith('.txt')) {
    const vocabJson = path.join(dir, 'vocab.json');
    if (!isFile(vocabJson)) throw new VocabularyError(`${target}: vocab.json is missing next to it`);
    return { kind: 'explicit', vocabJson, mergesTxt: target };
  }
  throw new VocabularyError(`${target}: expected a directory, vocab.json, merges.txt or ${GZ_NAME}`);
}

export function loadVocabulary(location: VocabularyLocation): ClipVocabulary {
  try {
    if (location.gzip !== undefined) return vocabularyFromGzip(readFileSync(location.gzip), location.gzip);
    const vocabJson = location.vocabJson!;
    return vocabularyFromHuggingFace(readFileSync(vocabJson, 'utf8'), readFileSync(location.mergesTxt!, 'utf8'), path.dirname(vocabJson));
  } catch (error) {
    if (error instanceof VocabularyError) throw error;
    const file = location.gzip ?? location.vocabJson ?? '';
    throw new VocabularyError(`${file}: cannot read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The Hugging Face hub cache directories, in huggingface_hub's order of precedence, without duplicates. */
export function huggingFaceCaches(env: NodeJS.ProcessEnv, home: string): string[] {
  const caches: string[] = [];
  if (env.HF_HUB_CACHE) caches.push(env.HF_HUB_CACHE);
  if (env.HUGGINGFACE_HUB_CACHE) caches.push(env.HUGGINGFACE_HUB_CACHE);
  if (env.HF_HOME) caches.push(path.join(env.HF_HOME, 'hub'));
  if (env.XDG_CACHE_HOME) caches.push(path.join(env.XDG_CACHE_HOME, 'huggingface', 'hub'));
  caches.push(path.join(home, '.cache', 'huggingface', 'hub'));
  if (env.TRANSFORMERS_CACHE) caches.push(env.TRANSFORMERS_CACHE);
  return [...new Set(caches.map((dir) => path.resolve(dir)))];
}

/** The snapshot folder of a cached repository: the one `refs/main` names, else any complete snapshot. */
function huggingFaceSnapshots(repository: string): string[] {
  const snapshots = path.join(repository, 'snapshots');
  const result: string[] = [];
  try {
    const revision = readFileSync(path.join(repository, 'refs', 'main'), 'utf8').trim();
    if (revision !== '') result.push(path.join(snapshots, revision));
  } catch {
    // No refs/main (a partial download or a hand-made copy): fall through to the listing.
  }
  for (const name of listDirectory(snapshots).sort()) {
    const dir = path.join(snapshots, name);
    if (!result.includes(dir)) result.push(dir);
  }
  return result;
}

/** site-packages directories that are cheap to find: no subprocess, only a few directory listings. */
export function pythonSitePackages(env: NodeJS.ProcessEnv, home: string, a1111Roots: string[]): string[] {
  const prefixes: string[] = [];
  for (const root of a1111Roots) prefixes.push(path.join(root, 'venv'));
  if (env.VIRTUAL_ENV) prefixes.push(env.VIRTUAL_ENV);
  if (env.CONDA_PREFIX) prefixes.push(env.CONDA_PREFIX);
  prefixes.push(path.join(home, '.local'));
  for (const version of listDirectory(path.join(home, '.pyenv', 'versions'))) {
    prefixes.push(path.join(home, '.pyenv', 'versions', version));
  }
  prefixes.push('/usr/local', '/usr');
  const sites: string[] = [];
  for (const prefix of prefixes) {
    // Windows venvs: Lib/site-packages.
    const windows = path.join(prefix, 'Lib', 'site-packages');
    if (isDirectory(windows)) sites.push(windows);
    for (const lib of ['lib', 'lib64']) {
      for (const name of listDirectory(path.join(prefix, lib))) {
        if (!/^python3(\.\d+)?$/.test(name)) continue;
        for (const leaf of ['site-packages', 'dist-packages']) {
          const dir = path.join(prefix, lib, name, leaf);
          if (isDirectory(dir)) sites.push(dir);
        }
      }
    }
  }
  if (isDirectory('/usr/lib/python3/dist-packages')) sites.push('/usr/lib/python3/dist-packages');
  return [...new Set(sites)];
}

/** Candidate locations in discovery order (only those that exist on disk). */
function* candidates(options: DiscoveryOptions, searched: string[]): Generator<VocabularyLocation> {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  for (const root of options.comfyuiRoots ?? []) {
    for (const dir of [path.join(root, 'comfy', 'sd1_tokenizer'), path.join(root, 'ComfyUI', 'comfy', 'sd1_tokenizer')]) {
      searched.push(dir);
      const found = locationInDirectory(dir, 'comfyui');
      if (found) yield found;
    }
  }
  for (const cache of huggingFaceCaches(env, home)) {
    for (const repository of HF_REPOSITORIES) {
      const dir = path.join(cache, repository);
      searched.push(dir);
      if (!existsSync(dir)) continue;
      for (const snapshot of huggingFaceSnapshots(dir)) {
        const found = locationInDirectory(snapshot, 'huggingface');
        if (found) yield found;
      }
    }
  }
  for (const site of pythonSitePackages(env, home, options.a1111Roots ?? [])) {
    for (const pkg of ['open_clip', 'clip']) {
      const gzip = path.join(site, pkg, GZ_NAME);
      searched.push(gzip);
      if (isFile(gzip)) yield { kind: 'python-package', gzip };
    }
  }
}

/**
 * Finds and loads the first valid vocabulary. Throws VocabularyError only for an explicit path that
 * fails; otherwise returns without `vocabulary` when nothing was found.
 */
export function discoverVocabulary(options: DiscoveryOptions = {}): DiscoveryResult {
  const env = options.env ?? process.env;
  const searched: string[] = [];
  const rejected: string[] = [];
  const explicit = options.explicitPath ?? (env[VOCABULARY_ENV] || undefined);
  if (explicit !== undefined) {
    const target = path.resolve(options.cwd ?? process.cwd(), explicit);
    const location = explicitLocation(target);
    return { vocabulary: loadVocabulary(location), location, searched: [target], rejected };
  }
  for (const location of candidates(options, searched)) {
    try {
      return { vocabulary: loadVocabulary(location), location, searched, rejected };
    } catch (error) {
      rejected.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { searched, rejected };
}

/** The one clear message for "no vocabulary": what was searched and how to point at one. */
export function missingVocabularyMessage(result: DiscoveryResult, options: { exact?: boolean } = {}): string {
  const lines = [
    options.exact
      ? 'no CLIP vocabulary found, and exact token ids cannot be estimated.'
      : 'no CLIP vocabulary found; token counts are estimates (marked approximate).',
    `Point ${VOCABULARY_ENV} or --vocab at a ComfyUI comfy/sd1_tokenizer folder, a Hugging Face`,
    `openai/clip-vit-large-patch14 snapshot (vocab.json + merges.txt), or open_clip's ${GZ_NAME}.`,
  ];
  for (const reason of result.rejected) lines.push(`rejected: ${reason}`);
  return lines.join('\n');
}
