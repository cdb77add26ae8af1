/**
 * The CLIP BPE vocabulary: 49,408 token strings and the merge ranks, built either from openai/CLIP's
 * `bpe_simple_vocab_16e6.txt.gz` (merges only; the vocabulary is derived from them) or from a Hugging Face
 * `vocab.json` + `merges.txt` pair. The project ships no vocabulary: callers load one from the user's disk
 * (see discovery.ts).
 *
 * Layout (openai/CLIP clip/simple_tokenizer.py, SimpleTokenizer.__init__): 256 byte characters in
 * bytes_to_unicode order, the same with `</w>`, one entry per merge (the concatenated pair), then
 * `<|startoftext|>` and `<|endoftext|>`. Only merges 1..48,894 of the file are used
 * (`merges[1:49152-256-2+1]`).
 */
import { gunzipSync } from 'node:zlib';

export const VOCABULARY_SIZE = 49_408;
export const MERGE_COUNT = 48_894;
export const START_OF_TEXT = 49_406;
export const END_OF_TEXT = 49_407;
/** `,</w>`: the only token A1111's comma backtracking recognises (modules/sd_hijack_clip.py). */
export const COMMA_TOKEN = 267;

/** bytes_to_unicode: printable bytes keep their code point; the other 68 map to U+0100.. in byte order. */
function buildByteTable(): { byteToChar: string[]; byteOrder: number[] } {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const byteToChar: string[] = new Array(256);
  const byteOrder = [...printable];
  for (const b of printable) byteToChar[b] = String.fromCodePoint(b);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (byteToChar[b] === undefined) {
      byteToChar[b] = String.fromCodePoint(256 + next++);
      byteOrder.push(b);
    }
  }
  return { byteToChar, byteOrder };
}

const BYTE_TABLE = buildByteTable();
/** The byte-level character for each byte value (0..255). */
export const BYTE_TO_CHAR: readonly string[] = BYTE_TABLE.byteToChar;

/**
 * A loaded vocabulary. BPE works on ids only: `mergeOf(left, right)` gives the merged token and its rank,
 * keyed by `left * VOCABULARY_SIZE + right`, so no strings are built while merging.
 */
export interface ClipVocabulary {
  /** Token string for each id. */
  readonly tokens: readonly string[];
  /** Id of each token string. */
  readonly ids: ReadonlyMap<string, number>;
  /** Id of the bare byte-level character for each byte (no `</w>`). */
  readonly byteIds: Int32Array;
  /** Id of the byte-level character with `</w>` for each byte. */
  readonly byteEndIds: Int32Array;
  /** pair key → rank (index in the merges list). */
  readonly ranks: Map<number, number>;
  /** pair key → id of the merged token. */
  readonly merged: Map<number, number>;
  /** Where it was loaded from. */
  readonly source: string;
}

export class VocabularyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VocabularyError';
  }
}

export function pairKey(left: number, right: number): number {
  return left * VOCABULARY_SIZE + right;
}

/** Splits a merges file into its first MERGE_COUNT merge lines, after the header line. */
function mergeLines(text: string, source: string): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  let position = text.indexOf('\n') + 1;
  if (position === 0) throw new VocabularyError(`${source}: not a CLIP merges file (no header line)`);
  while (merges.length < MERGE_COUNT && position < text.length) {
    let end = text.indexOf('\n', position);
    if (end < 0) end = text.length;
    const line = text.slice(position, end);
    position = end + 1;
    // simple_tokenizer.py: tuple(merge.split()); a merge line never holds more than one space.
    const space = line.indexOf(' ');
    if (space <= 0) throw new VocabularyError(`${source}: malformed merge line ${merges.length + 2}: ${JSON.stringify(line)}`);
    merges.push([line.slice(0, space), line.slice(space + 1).trimEnd()]);
  }
  if (merges.length < MERGE_COUNT) {
    throw new VocabularyError(`${source}: only ${merges.length} merges, CLIP needs ${MERGE_COUNT}`);
  }
  return merges;
}

function finish(tokens: string[], ids: Map<string, number>, merges: Array<[string, string]>, source: string): ClipVocabulary {
  const byteIds = new Int32Array(256);
  const byteEndIds = new Int32Array(256);
  for (let b = 0; b < 256; b++) {
    const char = BYTE_TO_CHAR[b]!;
    const id = ids.get(char);
    const endId = ids.get(char + '</w>');
    if (id === undefined || endId === undefined) throw new VocabularyError(`${source}: byte token ${JSON.stringify(char)} missing`);
    byteIds[b] = id;
    byteEndIds[b] = endId;
  }
  const ranks = new Map<number, number>();
  const merged = new Map<number, number>();
  for (let rank = 0; rank < merges.length; rank++) {
    const [left, right] = merges[rank]!;
    const leftId = ids.get(left);
    const rightId = ids.get(right);
    const mergedId = ids.get(left + right);
    if (leftId === undefined || rightId === undefined || mergedId === undefined) {
      throw new VocabularyError(`${source}: merge ${rank + 1} (${left} ${right}) refers to tokens missing from the vocabulary`);
    }
    const key = pairKey(leftId, rightId);
    if (!ranks.has(key)) {
      ranks.set(key, rank);
      merged.set(key, mergedId);
    }
  }
  const vocabulary: ClipVocabulary = { tokens, ids, byteIds, byteEndIds, ranks, merged, source };
  validateVocabulary(vocabulary);
  return vocabulary;
}

/** The checks of clip-tokenizer.md §4: size and a few well-known ids, so a wrong file fails loudly. */
export function validateVocabulary(vocabulary: ClipVocabulary): void {
  const expect: Array<[string, number]> = [
    ['!', 0],
    ['in', 512],
    [',</w>', COMMA_TOKEN],
    ['a</w>', 320],
    ['<|startoftext|>', START_OF_TEXT],
    ['<|endoftext|>', END_OF_TEXT],
  ];
  if (vocabulary.tokens.length !== VOCABULARY_SIZE) {
    throw new VocabularyError(
      `${vocabulary.source}: ${vocabulary.tokens.length} entries, a CLIP ViT-L/14 vocabulary has ${VOCABULARY_SIZE}`,
    );
  }
  for (const [token, id] of expect) {
    if (vocabulary.ids.get(token) !== id) {
      throw new VocabularyError(`${vocabulary.source}: ${JSON.stringify(token)} should be id ${id}; not a CLIP vocabulary`);
    }
  }
}

/** Builds the vocabulary from the text of `bpe_simple_vocab_16e6.txt` (simple_tokenizer.py layout). */
export function vocabularyFromMergesText(text: string, source: string): ClipVocabulary {
  const merges = mergeLines(text, source);
  const tokens: string[] = [];
  for (const b of BYTE_TABLE.byteOrder) tokens.push(BYTE_TO_CHAR[b]!);
  for (let i = 0; i < 256; i++) tokens.push(tokens[i]! + '</w>');
  for (const [left, right] of merges) tokens.push(left + right);
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const ids = new Map<string, number>();
  for (let id = 0; id < tokens.length; id++) ids.set(tokens[id]!, id);
  return finish(tokens, ids, merges, source);
}

/** Builds the vocabulary from a gzip'd `bpe_simple_vocab_16e6.txt.gz`. */
export function vocabularyFromGzip(data: Uint8Array, source: string): ClipVocabulary {
  let text: string;
  try {
    text = gunzipSync(data).toString('utf8');
  } catch (error) {
    throw new VocabularyError(`${source}: cannot decompress (${error instanceof Error ? error.message : String(error)})`);
  }
  return vocabularyFromMergesText(text, source);
}

/** Builds the vocabulary from a Hugging Face `vocab.json` and `merges.txt` (tokenization_clip.py). */
export function vocabularyFromHuggingFace(vocabJson: string, mergesText: string, source: string): ClipVocabulary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(vocabJson);
  } catch (error) {
    throw new VocabularyError(`${source}: vocab.json is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new VocabularyError(`${source}: vocab.json is not an object of token → id`);
  }
  const ids = new Map<string, number>();
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= VOCABULARY_SIZE || tokens[id] !== undefined) {
      throw new VocabularyError(`${source}: vocab.json entry ${JSON.stringify(token)} has a bad id ${JSON.stringify(id)}`);
    }
    ids.set(token, id);
    tokens[id] = token;
  }
  if (!mergesText.startsWith('#version')) {
    throw new VocabularyError(`${source}: merges.txt should start with "#version: 0.2"`);
  }
  const merges = mergeLines(mergesText, source);
  return finish(tokens.length === ids.size ? tokens : Array.from(tokens, (t) => t ?? ''), ids, merges, source);
}
