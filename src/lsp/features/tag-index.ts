/**
 * Tag lists in tagcomplete's CSV format (DominikDoom/a1111-sd-webui-tagcomplete, `tags/*.csv`):
 * `name,type,postCount,"alias1,alias2"` with no header row; count and aliases are optional, and in
 * its "extra" files column 3 is a meta text instead of a count. Completion is filtered on the server
 * through a sorted prefix index, so a 100,000-tag list answers in well under a millisecond per query
 * instead of shipping the whole list to the client.
 */

export interface Tag {
  name: string;
  type: number;
  /** Post count (0 when the file gives none); higher ranks first. */
  count: number;
  aliases: string[];
  /** Column 3 when it is text rather than a count ("Quality tag"). */
  meta?: string;
}

/** How a query matched a tag: its name, one of its aliases, or the start of a later word of the name. */
export type TagMatchKind = 'name' | 'alias' | 'word';

export interface TagMatch {
  tag: Tag;
  kind: TagMatchKind;
  /** The alias that matched (kind 'alias'). */
  alias?: string;
}

/** Danbooru's categories (tagcomplete README); e621 differs in 5-8 and is labelled by number. */
const DANBOORU_TYPES: Record<number, string> = { 0: 'general', 1: 'artist', 3: 'copyright', 4: 'character', 5: 'meta' };

export function tagTypeName(type: number): string {
  return DANBOORU_TYPES[type] ?? `type ${type}`;
}

/** Parses one CSV file. Malformed lines are counted, not fatal. */
export function parseTagCsv(text: string): { tags: Tag[]; skipped: number } {
  const tags: Tag[] = [];
  let skipped = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd);
    lineStart = lineEnd + 1;
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    const name = fields[0]?.trim() ?? '';
    if (name === '') {
      skipped++;
      continue;
    }
    const type = Number.parseInt(fields[1] ?? '0', 10);
    const third = fields[2]?.trim() ?? '';
    const isCount = third !== '' && isDigits(third);
    const aliasField = fields[3] ?? '';
    const aliases = aliasField === '' ? [] : aliasField.split(',').map((alias) => alias.trim()).filter((alias) => alias !== '');
    const tag: Tag = { name, type: Number.isFinite(type) ? type : 0, count: isCount ? Number(third) : 0, aliases };
    if (third !== '' && !isCount) tag.meta = third;
    tags.push(tag);
  }
  return { tags, skipped };
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Splits a CSV line with RFC 4180 quotes (`"a,b"`, `""` for a quote); unquoted lines take a fast path. */
function splitCsvLine(line: string): string[] {
  const quote = line.indexOf('"');
  if (quote < 0) return line.split(',');
  // The usual tagcomplete line: three plain fields, then one quoted alias list.
  const first = line.indexOf(',');
  const second = first < 0 ? -1 : line.indexOf(',', first + 1);
  const third = second < 0 ? -1 : line.indexOf(',', second + 1);
  if (third >= 0 && quote === third + 1 && line.endsWith('"') && line.indexOf('"', quote + 1) === line.length - 1) {
    return [line.slice(0, first), line.slice(first + 1, second), line.slice(second + 1, third), line.slice(quote + 1, -1)];
  }
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** The form tags are compared in: lower case, spaces as underscores (booru spelling). */
export function tagKey(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '_');
}

/** Past this many prefix matches, the best ones are found by walking tags in post-count order. */
const RANGE_SCAN_LIMIT = 2000;

/**
 * A prefix index over tag names and aliases. Keys are kept sorted as `key + U+0001 + tag number`
 * (U+0001 sorts before every character a key has, so the order is the keys' own), which lets the
 * default string sort build it. Short, common prefixes match thousands of tags: those are answered
 * by walking the tags from the most posted down until the list is full, which stops early exactly
 * because matches are common. Matches on a later word ("hair" in "long_hair") come after name
 * and alias matches, as in tagcomplete.
 */
export class TagIndex {
  /** Tags by post count, most posted first. */
  private readonly ranked: Tag[];
  private readonly names: string[];
  private readonly aliasKeys: string[][];
  private readonly sortedKeys: string[];

  constructor(readonly tags: readonly Tag[]) {
    this.ranked = [...tags].sort((a, b) => b.count - a.count);
    this.names = this.ranked.map((tag) => tagKey(tag.name));
    this.aliasKeys = this.ranked.map((tag) => (tag.aliases.length === 0 ? EMPTY : tag.aliases.map(tagKey)));
    const keys: string[] = [];
    for (let i = 0; i < this.ranked.length; i++) {
      const suffix = '\u0001' + i.toString(36);
      keys.push(this.names[i] + suffix);
      for (const alias of this.aliasKeys[i]!) keys.push(alias + suffix);
    }
    this.sortedKeys = keys.sort();
  }

  get size(): number {
    return this.tags.length;
  }

  /**
   * The best `limit` tags for `query` (a prefix): name and alias matches by post count, then
   * later-word matches. `total` counts the prefix matches (names and aliases), so callers can tell
   * the list is incomplete.
   */
  search(query: string, limit: number): { matches: TagMatch[]; total: number } {
    const prefix = tagKey(query);
    if (prefix === '' || limit <= 0) return { matches: [], total: 0 };
    const [low, high] = this.prefixRange(prefix);
    const found = new Map<number, TagMatch>();
    let total = high - low;
    if (high - low <= RANGE_SCAN_LIMIT) {
      const hits = new Set<number>();
      for (let i = low; i < high; i++) {
        const key = this.sortedKeys[i]!;
        hits.add(Number.parseInt(key.slice(key.lastIndexOf('\u0001') + 1), 36));
      }
      total = hits.size;
      for (const rank of [...hits].sort((a, b) => a - b)) {
        if (found.size >= limit) break;
        found.set(rank, this.nameMatch(rank, prefix));
      }
    } else {
      for (let rank = 0; rank < this.ranked.length && found.size < limit; rank++) {
        if (this.names[rank]!.startsWith(prefix) || this.aliasKeys[rank]!.some((alias) => alias.startsWith(prefix))) {
          found.set(rank, this.nameMatch(rank, prefix));
        }
      }
    }
    if (found.size < limit) {
      const wordStart = `_${prefix}`;
      for (let rank = 0; rank < this.ranked.length; rank++) {
        if (found.has(rank) || !this.names[rank]!.includes(wordStart)) continue;
        total++;
        if (found.size < limit) found.set(rank, { tag: this.ranked[rank]!, kind: 'word' });
      }
    } else total = Math.max(total, found.size + 1);
    return { matches: [...found.values()], total };
  }

  private nameMatch(rank: number, prefix: string): TagMatch {
    const tag = this.ranked[rank]!;
    if (this.names[rank]!.startsWith(prefix)) return { tag, kind: 'name' };
    const alias = this.aliasKeys[rank]!.findIndex((key) => key.startsWith(prefix));
    return { tag, kind: 'alias', alias: tag.aliases[alias]! };
  }

  /** [low, high) of the sorted keys starting with `prefix`. */
  private prefixRange(prefix: string): [number, number] {
    const lowerBound = (target: string) => {
      let low = 0;
      let high = this.sortedKeys.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (this.sortedKeys[mid]! < target) low = mid + 1;
        else high = mid;
      }
      return low;
    };
    // Every key with the prefix sorts between `prefix` and `prefix` + U+FFFF.
    return [lowerBound(prefix), lowerBound(prefix + '\uffff')];
  }
}

const EMPTY: string[] = [];

/**
 * How a tag is written into a prompt, as tagcomplete inserts it by default: underscores become
 * spaces and brackets are escaped, because A1111 would otherwise read `(cosplay)` as emphasis
 * (modules/prompt_parser.py re_attention).
 */
export function tagInsertText(name: string): string {
  // Emoticons (`^_^`, `>_<`) keep their underscores, as tagcomplete's exclusion list does.
  const spaced = /[\p{L}\p{N}]{2}/u.test(name) ? name.replace(/_/g, ' ') : name;
  return spaced.replace(/([()[\]])/g, '\\$1');
}
