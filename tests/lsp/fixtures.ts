/** Shared fixtures of the LSP tests: the example LoRA library, the shared CLIP vocabulary, a temp cache. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadToolchain } from '../../src/lsp/project-toolchain.js';
import type { Toolchain } from '../../src/lsp/toolchain.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const loraFolder = join(repoRoot, 'examples/loras/models/Lora');
export const wildcardFolder = join(repoRoot, 'examples/loras/wildcards');
export const embeddingFolder = join(repoRoot, 'examples/loras/embeddings');
/** The CLIP vocabulary of ../shared/data/clip (always present in CI: a test must fail without it). */
export const clipVocab = resolve(repoRoot, '../shared/data/clip');

let cached: Promise<Toolchain> | undefined;

/** The real toolchain, loaded once per test file; the library index goes to a temp cache dir. */
export function realToolchain(): Promise<Toolchain> {
  process.env.SDPROMPT_CACHE_DIR ??= mkdtempSync(join(tmpdir(), 'sdprompt-lsp-cache-'));
  cached ??= loadToolchain((message) => {
    throw new Error(`toolchain stage failed to load: ${message}`);
  });
  return cached;
}

export const librarySettings = { loraFolders: [loraFolder], wildcardFolders: [wildcardFolder], embeddingFolders: [embeddingFolder] };

export function requireSharedVocabulary(): string {
  if (!existsSync(clipVocab)) throw new Error(`missing ${clipVocab}: the shared CLIP data must sit beside the repository`);
  return clipVocab;
}
