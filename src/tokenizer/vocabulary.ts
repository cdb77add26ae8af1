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
import { constants, gunzipSync } from 'node:zlib';

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
 * The merge table: an open-addressing hash from a (left id, right id) pair to its rank and merged id.
 * Typed arrays keep it compact and quick to build; a Map keyed by `left * 49408 + right` would use
 * heap-number keys (above the small-integer range) and take several times longer to load.
 */
export class MergeTable {
  private readonly mask: number;
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  private readonly ranks: Int32Array;
  private readonly mergedIds: Int32Array;

  constructor(capacity: number) {
    let size = 1;
    while (size < capacity * 2) size <<= 1;
    this.mask = size - 1;
    this.lefts = new Int32Array(size).fill(-1);
    this.rights = new Int32Array(size);
    this.ranks = new Int32Array(size);
    this.mergedIds = new Int32Array(size);
  }

  private slot(left: number, right: number): number {
    let slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca77)) & this.mask;
    while (this.lefts[slot] !== -1 && (this.lefts[slot] !== left || this.rights[slot] !== right)) {
      slot = (slot + 1) & this.mask;
    }
    return slot;
  }

  /** Adds a merge unless the pair is already ranked (the first occurrence wins, as in a dict built in order). */
  add(left: number, right: number, rank: number, mergedId: number): void {
    const slot = this.slot(left, right);
    if (this.lefts[slot] !== -1) return;
    this.lefts[slot] = left;
    this.rights[slot] = right;
    this.ranks[slot] = rank;
    this.mergedIds[slot] = mergedId;
  }

  /** Rank of the pair, or -1 when it never merges. */
  rank(left: number, right: number): number {
    const slot = this.slot(left, right);
    return this.lefts[slot] === -1 ? -1 : this.ranks[slot]!;
  }

  /** Id of the merged token of a ranked pair. */
  merged(left: number, right: number): number {
    return this.mergedIds[this.slot(left, right)]!;
  }
}

/** A loaded vocabulary. BPE works on ids only, so no strings are built while merging. */
export interface ClipVocabulary {
  /** Token string for each id. */
  readonly tokens: readonly string[];
  /** Id of each token string. */
  readonly ids: ReadonlyMap<string, number>;
  /** Id of the bare byte-level character for each byte (no `</w>`). */
  readonly byteIds: Int32Array;
  /** Id of the byte-level character with `</w>` for each byte. */
  readonly byteEndIds: Int32Array;
  readonly merges: MergeTable;
  /** Where it was loaded from. */
  readonly source: string;
}

export class VocabularyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VocabularyError';
  }
}

/** The first MERGE_COUNT merge lines after the header: left and right halves, and the merged token. */
interface MergeList {
  lefts: string[];
  rights: string[];
  joined: string[];
}

function mergeLines(text: string, source: string): MergeList {
  const merges: MergeList = { lefts: [], rights: [], joined: [] };
  let position = text.indexOf('\n') + 1;
  if (position === 0) throw new VocabularyError(`${source}: not a CLIP merges file (no header line)`);
  while (merges.lefts.length < MERGE_COUNT && position < text.length) {
    let end = text.indexOf('\n', position);
    if (end < 0) end = text.length;
    if (text.charCodeAt(end - 1) === 0x0d) end--;
    // simple_tokenizer.py: tuple(merge.split()); a merge line never holds more than one space.
    const space = text.indexOf(' ', position);
    if (space <= position || space >= end) {
      throw new VocabularyError(
        `${source}: malformed merge line ${merges.lefts.length + 2}: ${JSON.stringify(text.slice(position, end))}`,
      );
    }
    merges.lefts.push(text.slice(position, space));
    merges.rights.push(text.slice(space + 1, end));
    merges.joined.push(text.slice(position, end).replace(' ', ''));
    position = text.indexOf('\n', end) + 1;
    if (position === 0) break;
  }
  if (merges.lefts.length < MERGE_COUNT) {
    throw new VocabularyError(`${source}: only ${merges.lefts.length} merges, CLIP needs ${MERGE_COUNT}`);
  }
  return merges;
}

/**
 * Completes a vocabulary. `firstMergeId` is set when merge i is known to be token `firstMergeId + i`
 * (simple_tokenizer's layout), which saves looking each merged string up.
 */
function finish(tokens: string[], ids: Map<string, number>, merges: MergeList, source: string, firstMergeId?: number): ClipVocabulary {
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
  const table = new MergeTable(MERGE_COUNT);
  for (let rank = 0; rank < MERGE_COUNT; rank++) {
    const leftId = ids.get(merges.lefts[rank]!);
    const rightId = ids.get(merges.rights[rank]!);
    // In CLIP's layout merge i is token 512 + i; checking that costs less than a lookup.
    const joined = merges.joined[rank]!;
    const mergedId =
      firstMergeId !== undefined ? firstMergeId + rank : tokens[512 + rank] === joined ? 512 + rank : ids.get(joined);
    if (leftId === undefined || rightId === undefined || mergedId === undefined) {
      throw new VocabularyError(
        `${source}: merge ${rank + 1} (${merges.lefts[rank]} ${merges.rights[rank]}) refers to tokens missing from the vocabulary`,
      );
    }
    table.add(leftId, rightId, rank, mergedId);
  }
  const vocabulary: ClipVocabulary = { tokens, ids, byteIds, byteEndIds, merges: table, source };
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
  for (const joined of merges.joined) tokens.push(joined);
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const ids = new Map<string, number>();
  for (let id = 0; id < tokens.length; id++) ids.set(tokens[id]!, id);
  if (ids.size !== tokens.length) throw new VocabularyError(`${source}: repeated merges; not a CLIP merges file`);
  return finish(tokens, ids, merges, source, 512);
}

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0 && lines <= MERGE_COUNT + 1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** Builds the vocabulary from a gzip'd `bpe_simple_vocab_16e6.txt.gz`. */
export function vocabularyFromGzip(data: Uint8Array, source: string): ClipVocabulary {
  let text: string;
  try {
    // CLIP reads only the first 48,895 of 262,145 lines (about a sixth of the file): inflate a prefix
    // first, and the whole file only if that prefix was too short.
    const prefix = gunzipSync(data.subarray(0, Math.ceil(data.length / 4)), { finishFlush: constants.Z_SYNC_FLUSH });
    text = prefix.toString('utf8');
    if (countLines(text) <= MERGE_COUNT + 1) text = gunzipSync(data).toString('utf8');
  } catch (error) {
    throw new VocabularyError(`${source}: cannot decompress (${error instanceof Error ? error.message : String(error)})`);
  }
  return vocabularyFromMergesText(text, source);
}

/** One `"token": id` member of vocab.json. */
const VOCAB_ENTRY = /"((?:[^"\\]|\\.)*)"\s*:\s*([^,}\s]+)/g;

/**
 * Reads vocab.json's members without building a 49,408-key object (JSON.parse of it costs about as much
 * as the rest of the load); strings with escapes still go through JSON.parse. Anything that is not a
 * flat object of strings to ids fails validation below.
 */
function vocabEntries(vocabJson: string, source: string): Array<[string, unknown]> {
  const trimmed = vocabJson.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) {
    throw new VocabularyError(`${source}: vocab.json is not an object of token → id`);
  }
  const entries: Array<[string, unknown]> = [];
  for (const match of trimmed.matchAll(VOCAB_ENTRY)) {
    const raw = match[1]!;
    let token: string;
    let id: unknown;
    try {
      token = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      id = JSON.parse(match[2]!);
    } catch {
      throw new VocabularyError(`${source}: vocab.json is not JSON near ${JSON.stringify(match[0].slice(0, 40))}`);
    }
    entries.push([token, id]);
  }
  return entries;
}

/** Builds the vocabulary from a Hugging Face `vocab.json` and `merges.txt` (tokenization_clip.py). */
export function vocabularyFromHuggingFace(vocabJson: string, mergesText: string, source: string): ClipVocabulary {
  const ids = new Map<string, number>();
  const tokens: string[] = [];
  for (const [token, id] of vocabEntries(vocabJson, source)) {
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
