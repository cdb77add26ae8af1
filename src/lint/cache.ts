/**
 * `sdprompt lint --cache`: results keyed by a hash of the file's content, its resolved
 * configuration and the sdprompt version, so any change to one of them re-lints the file. Stored
 * as one JSON file in the cache directory (SDPROMPT_CACHE_DIR, else $XDG_CACHE_HOME/sdprompt, else
 * ~/.cache/sdprompt), written to a temp file and renamed so a crash never leaves it half written.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import type { LintResult } from './types.js';

const CACHE_FORMAT = 1;

export function defaultLintCacheFile(env: NodeJS.ProcessEnv, cwd: string): string {
  const dir = env.SDPROMPT_CACHE_DIR || (env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, 'sdprompt') : path.join(os.homedir(), '.cache', 'sdprompt'));
  const project = createHash('sha256').update(path.resolve(cwd)).digest('hex').slice(0, 16);
  return path.join(dir, `lint-${project}.json`);
}

/** A stable text form of a resolved configuration (maps are not JSON). */
export function configFingerprint(config: ResolvedConfig, extra: string): string {
  const rules = [...config.rules.entries()].sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([rules, config.engine, config.library, config.tokenizer, config.reportUnusedDisableDirectives, extra]))
    .digest('hex');
}

interface CacheFile {
  format: number;
  version: string;
  entries: Record<string, { key: string; result: LintResult }>;
}

export class LintCache {
  private data: CacheFile;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly version: string,
  ) {
    this.data = { format: CACHE_FORMAT, version, entries: {} };
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      if (parsed.format === CACHE_FORMAT && parsed.version === version && parsed.entries && typeof parsed.entries === 'object') this.data = parsed;
    } catch {
      // Missing or corrupt: start empty (the cache is only ever an optimisation).
    }
  }

  static key(source: string, configKey: string): string {
    return createHash('sha256').update(configKey).update('\0').update(source).digest('hex');
  }

  get(filePath: string, key: string): LintResult | undefined {
    const entry = this.data.entries[filePath];
    return entry && entry.key === key ? entry.result : undefined;
  }

  set(filePath: string, key: string, result: LintResult): void {
    this.data.entries[filePath] = { key, result };
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, JSON.stringify(this.data));
    renameSync(temp, this.file);
    this.dirty = false;
  }
}
