/** Test data from ../shared/data/clip (never committed to the project); missing data fails the tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ClipTokenizer, vocabularyFromGzip, type ClipVocabulary } from '../../src/tokenizer/index.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const clipDataDir = path.resolve(repoRoot, '../shared/data/clip');
export const sharedGzip = path.join(clipDataDir, 'bpe_simple_vocab_16e6.txt.gz');

export interface Vector {
  text: string;
  ids: number[];
  ids_hf_ftfy?: number[];
  ids_hf_no_ftfy?: number[];
  ids_hf_fast?: number[];
  ids_no_ftfy_openai?: number[];
  note?: string;
}

export function loadVectors(): Vector[] {
  return JSON.parse(readFileSync(path.join(clipDataDir, 'vectors.json'), 'utf8')) as Vector[];
}

let vocabulary: ClipVocabulary | undefined;

export function sharedVocabulary(): ClipVocabulary {
  vocabulary ??= vocabularyFromGzip(readFileSync(sharedGzip), sharedGzip);
  return vocabulary;
}

export function sharedTokenizer(): ClipTokenizer {
  return new ClipTokenizer(sharedVocabulary());
}
