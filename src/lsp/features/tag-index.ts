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
    const count = /^\d+$/.test(third) ? Number(third) : 0;
    const aliases = (fields[3] ?? '')
      .split(',')
      .map((alias) => alias.trim())
      .filter((alias) => alias !== '');
    const tag: Tag = { name, type: Number.isFinite(type) ? type : 0, count, aliases };
    if (third !== '' && count === 0 && !/^\d+$/.test(third)) tag.meta = third;
    tags.push(tag);
  }
  return { tags, skipped };
}

/** Splits a CSV line with RFC 4180 quotes (`"a,b"`, `""` for a quote). */
function splitCsvLine(line: string): string[] {
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

const KIND_CODES: TagMatchKind[] = ['name', 'alias', 'word'];

export class TagIndex {
  private readonly keys: string[];
  private readonly tagOf: Int32Array;
  private readonly kindOf: Uint8Array;
  private readonly aliasOf: Int32Array;

  constructor(readonly tags: readonly Tag[]) {
    const keys: string[] = [];
    const tagOf: number[] = [];
    const kindOf: number[] = [];
    const aliasOf: number[] = [];
    const add = (key: string, tag: number, kind: number, alias: number) => {
      keys.push(key);
      tagOf.push(tag);
      kindOf.push(kind);
      aliasOf.push(alias);
    };
    tags.forEach((tag, index) => {
      const key = tagKey(tag.name);
      add(key, index, 0, -1);
      // Later words of a name ("long_hair" under "hair") so a query finds the tag as tagcomplete does.
      for (let at = key.indexOf('_'); at >= 0 && at < key.length - 1; at = key.indexOf('_', at + 1)) {
        add(key.slice(at + 1), index, 2, -1);
      }
      tag.aliases.forEach((alias, aliasIndex) => add(tagKey(alias), index, 1, aliasIndex));
    });
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    this.keys = order.map((i) => keys[i]!);
    this.tagOf = Int32Array.from(order, (i) => tagOf[i]!);
    this.kindOf = Uint8Array.from(order, (i) => kindOf[i]!);
    this.aliasOf = Int32Array.from(order, (i) => aliasOf[i]!);
  }

  get size(): number {
    return this.tags.length;
  }

  /**
   * The best `limit` tags for `query` (a prefix): name matches before alias and word matches, then
   * by post count. `total` counts every matching tag, so callers can say the list is incomplete.
   */
  search(query: string, limit: number): { matches: TagMatch[]; total: number } {
    const prefix = tagKey(query);
    if (prefix === '') return { matches: [], total: 0 };
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keys[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    // Best match kind per tag: a tag found by name and by a word counts once, as a name match.
    const best = new Map<number, number>();
    for (let i = low; i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) {
      const tag = this.tagOf[i]!;
      const previous = best.get(tag);
      if (previous === undefined || this.kindOf[i]! < this.kindOf[previous]!) best.set(tag, i);
    }
    const ranked = [...best.values()].sort((a, b) => {
      const kindA = this.kindOf[a] === 2 ? 1 : 0;
      const kindB = this.kindOf[b] === 2 ? 1 : 0;
      if (kindA !== kindB) return kindA - kindB;
      const countDiff = this.tags[this.tagOf[b]!]!.count - this.tags[this.tagOf[a]!]!.count;
      if (countDiff !== 0) return countDiff;
      return this.keys[a]!.length - this.keys[b]!.length;
    });
    const matches = ranked.slice(0, limit).map((i): TagMatch => {
      const tag = this.tags[this.tagOf[i]!]!;
      const kind = KIND_CODES[this.kindOf[i]!]!;
      return kind === 'alias' ? { tag, kind, alias: tag.aliases[this.aliasOf[i]!]! } : { tag, kind };
    });
    return { matches, total: best.size };
  }
}

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
