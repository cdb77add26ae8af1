/**
 * `ss_tag_frequency` is JSON text `{dataset_dir: {tag: count}}` (sd-scripts train_util.py): how many
 * training captions carried each tag. The library keeps the most frequent tags (trigger-word
 * guesses, the card's "top tags").
 *
 * Lists of tens of thousands of tags are common in large headers, and only the head matters, so the
 * text is read by a small scanner that never builds the object and only slices out tags that could
 * enter the top list. Anything not of that shape goes through JSON.parse.
 */

export interface TagCount {
  tag: string;
  count: number;
}

/** The `limit` most frequent tags, most frequent first, ties by name. */
export function parseTagFrequency(value: string | undefined, limit = 30): TagCount[] {
  if (!value || limit <= 0) return [];
  return scanFolders(value, limit) ?? parseAnyShape(value, limit);
}

/** Keeps the best `limit` (tag, count) pairs seen so far. */
class TopTags {
  private readonly items: TagCount[] = [];
  constructor(private readonly limit: number) {}

  /** Whether a tag with this count could enter the list (lets the scanner skip slicing the rest). */
  accepts(count: number): boolean {
    return this.items.length < this.limit || count >= this.items[this.items.length - 1]!.count;
  }

  offer(tag: string, count: number): void {
    const existing = this.items.findIndex((item) => item.tag === tag);
    if (existing >= 0) {
      // The same name twice (after trimming): counts add up, as they do across folders.
      count += this.items[existing]!.count;
      this.items.splice(existing, 1);
    }
    const item = { tag, count };
    let i = this.items.length;
    if (i === this.limit) {
      if (!before(item, this.items[i - 1]!)) return;
      this.items.pop();
      i--;
    }
    this.items.push(item);
    while (i > 0 && before(item, this.items[i - 1]!)) {
      this.items[i] = this.items[i - 1]!;
      i--;
    }
    this.items[i] = item;
  }

  result(): TagCount[] {
    return this.items;
  }
}

function before(a: TagCount, b: TagCount): boolean {
  return a.count > b.count || (a.count === b.count && a.tag < b.tag);
}

const QUOTE = 34, BACKSLASH = 92, COLON = 58, COMMA = 44, OPEN = 123, CLOSE = 125;

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/** Index of the closing quote of the string opening at `i` (which holds `"`), or -1. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j;
    if (c === BACKSLASH) j++;
  }
  return -1;
}

interface Pair {
  keyStart: number;
  keyEnd: number;
  count: number;
}

/**
 * Calls `visit` for each `"tag": number` of the folder object opening at `i` (which holds `{`).
 * Returns the index after its `}`, or -1 when the text is not of that shape.
 */
function scanFolder(text: string, i: number, visit: (pair: Pair) => void): number {
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE) return i + 1;
  const pair: Pair = { keyStart: 0, keyEnd: 0, count: 0 };
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return -1;
    const end = stringEnd(text, i);
    if (end < 0) return -1;
    pair.keyStart = i + 1;
    pair.keyEnd = end;
    i = skipSpace(text, end + 1);
    if (text.charCodeAt(i) !== COLON) return -1;
    i = skipSpace(text, i + 1);
    const numberStart = i;
    let integer = 0;
    let plain = true;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) integer = integer * 10 + (c - 48);
      else if (c === 45 || c === 43 || c === 46 || c === 101 || c === 69) plain = false;
      else break;
    }
    if (i === numberStart) return -1;
    pair.count = plain ? integer : Number(text.slice(numberStart, i));
    if (!Number.isFinite(pair.count)) return -1;
    visit(pair);
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE) return i + 1;
    if (c !== COMMA) return -1;
    i = skipSpace(text, i + 1);
  }
}

/** The start index (at `{`) of every folder object, or undefined when the text is not `{"dir": {…}, …}`. */
function folderStarts(text: string): number[] | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN) return undefined;
  i = skipSpace(text, i + 1);
  const starts: number[] = [];
  if (text.charCodeAt(i) === CLOSE) return skipSpace(text, i + 1) === text.length ? starts : undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const end = stringEnd(text, i);
    if (end < 0) return undefined;
    i = skipSpace(text, end + 1);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) !== OPEN) return undefined;
    starts.push(i);
    i = scanFolder(text, i, () => undefined);
    if (i < 0) return undefined;
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE) return skipSpace(text, i + 1) === text.length ? starts : undefined;
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
}

function tagText(text: string, pair: Pair): string | undefined {
  let tag = text.slice(pair.keyStart, pair.keyEnd);
  if (tag.includes('\\')) {
    try {
      tag = JSON.parse(`"${tag}"`) as string;
    } catch {
      return undefined;
    }
  }
  tag = tag.trim();
  return tag === '' ? undefined : tag;
}

/**
 * FNV-1a over the key's characters without surrounding ASCII spaces, or -1 when the raw text may
 * not equal the trimmed tag (an escape, or non-ASCII first/last characters that trim() might drop).
 * Equal tags have equal hashes; unequal tags may collide, which only loosens a bound.
 */
function keyHash(text: string, start: number, end: number): number {
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  if (start === end || text.charCodeAt(start) > 127 || text.charCodeAt(end - 1) > 127) return -1;
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) return -1;
    hash = Math.imul(hash ^ c, 16777619);
  }
  return hash >>> 0;
}

/**
 * Reads `{"dir": {"tag": n, …}, …}` in place. The tags of every folder but the largest are summed
 * into a map (A1111 sums them too: Lora/ui_edit_user_metadata.py build_tags); the largest folder is
 * then scanned once, and a tag there is sliced out only if its count plus what the other folders
 * could add to it might still enter the top list. The result is exactly the summed ranking: a
 * skipped tag's true total is below the final threshold.
 */
function scanFolders(text: string, limit: number): TagCount[] | undefined {
  const starts = folderStarts(text);
  if (!starts) return undefined;
  if (starts.length === 0) return [];
  const sizes = starts.map((start, k) => (starts[k + 1] ?? text.length) - start);
  const largest = sizes.indexOf(Math.max(...sizes));
  const others = new Map<string, number>();
  // What the other folders may add to a tag, by key hash; `unsure` covers keys that have no hash.
  const addedByHash = new Map<number, number>();
  let unsure = 0;
  for (let k = 0; k < starts.length; k++) {
    if (k === largest) continue;
    scanFolder(text, starts[k]!, (pair) => {
      const tag = tagText(text, pair);
      if (tag === undefined) return;
      others.set(tag, (others.get(tag) ?? 0) + pair.count);
      const hash = keyHash(text, pair.keyStart, pair.keyEnd);
      if (hash < 0) unsure += Math.max(0, pair.count);
      else addedByHash.set(hash, (addedByHash.get(hash) ?? 0) + Math.max(0, pair.count));
    });
  }
  let bestOther = unsure;
  for (const added of addedByHash.values()) bestOther = Math.max(bestOther, added + unsure);
  const top = new TopTags(limit);
  const seen = new Set<string>();
  scanFolder(text, starts[largest]!, (pair) => {
    if (!top.accepts(pair.count + bestOther)) return;
    const hash = keyHash(text, pair.keyStart, pair.keyEnd);
    const bound = hash < 0 ? bestOther : (addedByHash.get(hash) ?? 0) + unsure;
    if (!top.accepts(pair.count + bound)) return;
    const tag = tagText(text, pair);
    if (tag === undefined) return;
    seen.add(tag);
    top.offer(tag, pair.count + (others.get(tag) ?? 0));
    others.delete(tag); // counted once, even if the folder names the tag twice
  });
  for (const [tag, total] of others) if (!seen.has(tag)) top.offer(tag, total);
  return top.result();
}

function parseAnyShape(value: string, limit: number): TagCount[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object') return [];
  const totals = new Map<string, number>();
  for (const folder of Object.values(parsed as Record<string, unknown>)) {
    if (!folder || typeof folder !== 'object') continue;
    for (const [tag, count] of Object.entries(folder as Record<string, unknown>)) {
      const name = tag.trim();
      if (name === '' || typeof count !== 'number' || !Number.isFinite(count)) continue;
      totals.set(name, (totals.get(name) ?? 0) + count);
    }
  }
  const top = new TopTags(limit);
  for (const [tag, count] of totals) top.offer(tag, count);
  return top.result();
}
