/**
 * The persistent index: what each file said the last time it was read, keyed by kind and absolute
 * path and valid while the file's size and mtime are unchanged. A warm start stats files and takes
 * their facts from here instead of re-reading headers.
 *
 * The index is one JSON file per set of configured folders. Writes go to a unique temp file that
 * is then renamed over the index (atomic on POSIX and on NTFS), so a reader never sees half a file
 * and two writers at once leave one complete index. An unreadable or corrupt index is ignored
 * (and rebuilt on the next save).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { fileDiagnostic } from './diagnostics.js';

export type FactKind = 'lora' | 'user-metadata' | 'civitai' | 'description' | 'embedding' | 'checkpoint' | 'wildcard' | 'hashes';

interface Record_ {
  size: number;
  mtimeMs: number;
  facts: unknown;
}

const FORMAT = 'sdprompt-library-index';
/** Bump when the shape of any cached facts changes: older indexes are then ignored. */
export const INDEX_VERSION = 4;

export class FactsCache {
  private records = new Map<string, Record_>();
  private used = new Set<string>();
  private dirty = false;

  constructor(readonly file: string | undefined) {}

  /** Loads the index at `file` (undefined: memory only). Never throws. */
  static async load(file: string | undefined): Promise<{ cache: FactsCache; diagnostics: Diagnostic[] }> {
    const cache = new FactsCache(file);
    if (!file) return { cache, diagnostics: [] };
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return { cache, diagnostics: [] }; // first run
    }
    try {
      const data = JSON.parse(text) as { format?: unknown; version?: unknown; records?: unknown };
      if (data.format !== FORMAT || data.version !== INDEX_VERSION || !data.records || typeof data.records !== 'object') {
        cache.dirty = true;
        return { cache, diagnostics: [] }; // another version: rebuild quietly
      }
      for (const [key, record] of Object.entries(data.records as Record<string, Record_>)) {
        if (record && typeof record.size === 'number' && typeof record.mtimeMs === 'number') cache.records.set(key, record);
      }
      return { cache, diagnostics: [] };
    } catch (error) {
      cache.dirty = true;
      return {
        cache,
        diagnostics: [fileDiagnostic('library/index-corrupt', 'info', `the library index was unreadable and is rebuilt (${(error as Error).message})`, file)],
      };
    }
  }

  get<T>(kind: FactKind, file: string, size: number, mtimeMs: number): T | undefined {
    const key = `${kind}:${file}`;
    const record = this.records.get(key);
    if (!record || record.size !== size || record.mtimeMs !== mtimeMs) return undefined;
    this.used.add(key);
    return record.facts as T;
  }

  set(kind: FactKind, file: string, size: number, mtimeMs: number, facts: unknown): void {
    const key = `${kind}:${file}`;
    this.records.set(key, { size, mtimeMs, facts });
    this.used.add(key);
    this.dirty = true;
  }

  /** Forgets every fact about these files, so the next scan re-reads them. */
  invalidate(files: Iterable<string>): void {
    const targets = new Set(files);
    for (const key of [...this.records.keys()]) {
      if (targets.has(key.slice(key.indexOf(':') + 1))) {
        this.records.delete(key);
        this.dirty = true;
      }
    }
  }

  /** Starts a scan: facts not read or confirmed before `finishScan` are dropped (their files are gone). */
  beginScan(): void {
    this.used = new Set();
  }

  finishScan(): void {
    const live = new Set<string>();
    for (const key of this.used) live.add(key.slice(key.indexOf(':') + 1));
    for (const key of [...this.records.keys()]) {
      if (this.used.has(key)) continue;
      // Hashes are computed on demand, not during scans: keep them while their file is still listed.
      if (key.startsWith('hashes:') && live.has(key.slice('hashes:'.length))) continue;
      this.records.delete(key);
      this.dirty = true;
    }
  }

  /** Writes the index if anything changed: temp file, then rename. Returns a diagnostic on failure. */
  async save(): Promise<Diagnostic | undefined> {
    if (!this.file || !this.dirty) return undefined;
    const records: Record<string, Record_> = {};
    for (const [key, record] of this.records) records[key] = record;
    const text = JSON.stringify({ format: FORMAT, version: INDEX_VERSION, records });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFile(temp, text);
      await rename(temp, this.file);
      this.dirty = false;
      return undefined;
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      return fileDiagnostic('library/index-unwritable', 'info', `could not save the library index (${(error as NodeJS.ErrnoException).code ?? String(error)})`, this.file);
    }
  }

  get size(): number {
    return this.records.size;
  }
}

/** One index per set of folders and engines, so that two projects do not evict each other's entries. */
export function indexFileFor(cacheDir: string, sourceKeys: string[]): string {
  const digest = createHash('sha256').update(sourceKeys.join('\n')).digest('hex').slice(0, 16);
  return path.join(cacheDir, `library-${digest}.json`);
}
