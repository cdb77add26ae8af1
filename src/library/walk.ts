/**
 * Lists the files under a root folder, one directory at a time, the way A1111 walks its model
 * folders (modules/util.py walk_files: os.walk with followlinks=True, names sorted naturally).
 *
 * Paths stay inside the configured roots: a symlink is resolved and followed only when its target
 * lies inside one of the allowed roots (so a link cannot lead the scan to /etc), and each real
 * directory is entered once (so a link loop ends).
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { fileDiagnostic } from './diagnostics.js';

export interface DirectoryListing {
  /** Absolute path of the directory (as reached from the root, before resolving links). */
  dir: string;
  /** Path relative to the root with `/` separators; '' for the root itself. */
  relativeDir: string;
  /** File names in this directory (sidecar lookups read this instead of stat-ing every candidate). */
  names: Set<string>;
  /** File names, naturally sorted. */
  files: string[];
  /** Preview image per stem, filled on first use (sidecars.ts previewIndex). */
  previews?: Map<string, string>;
}

export interface WalkResult {
  listings: DirectoryListing[];
  diagnostics: Diagnostic[];
}

/** A1111 modules/util.py natural_sort_key: digit runs compare as numbers, other text lower-cased. */
export function naturalSortKey(text: string): Array<string | number> {
  return text.split(/(\d+)/).map((part, i) => (i % 2 === 1 ? Number(part) : part.toLowerCase()));
}

export function naturalCompare(a: string, b: string): number {
  return compareKeys(naturalSortKey(a), naturalSortKey(b));
}

function compareKeys(left: Array<string | number>, right: Array<string | number>): number {
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    // Python compares str with str and int with int here; parts alternate, so types match.
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/** True when `candidate` is `root` or lies below it (both already resolved). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Walks `root` (which must exist) and returns one listing per directory. `allowedRoots` are the
 * real paths a symlink may point into; `skipDirs` are real paths of folders that belong to another
 * kind of model (an `embeddings` folder inside the LoRA folder) and are not entered.
 */
export async function walkRoot(
  root: string,
  allowedRoots: string[],
  options: { skipDirs?: Set<string>; maxFiles?: number } = {},
): Promise<WalkResult> {
  const listings: DirectoryListing[] = [];
  const diagnostics: Diagnostic[] = [];
  const maxFiles = options.maxFiles ?? 200_000;
  let fileCount = 0;
  try {
    realpathSync(root);
  } catch {
    diagnostics.push(fileDiagnostic('library/missing-folder', 'warning', `folder not found: ${root}`, root));
    return { listings, diagnostics };
  }
  const visited = new Set<string>();
  const queue: Array<{ dir: string; relativeDir: string }> = [{ dir: root, relativeDir: '' }];
  let sliceStart = performance.now();
  while (queue.length > 0) {
    // Synchronous calls are cheaper than thread-pool round trips; yield between directories now and then.
    if (performance.now() - sliceStart > 8) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    const { dir, relativeDir } = queue.shift()!;
    // Each real directory once: a folder reached both directly and through a link, or a link loop.
    const real = realOrUndefined(dir);
    if (real === undefined || visited.has(real)) continue;
    visited.add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      diagnostics.push(fileDiagnostic('library/unreadable', 'warning', `cannot list folder (${code})`, dir));
      continue;
    }
    const files: string[] = [];
    const subdirs: string[] = [];
    for (const entry of entries) {
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = resolveLink(path.join(dir, entry.name));
        if (!target) continue; // dangling link: nothing to list
        if (!allowedRoots.some((allowed) => isInside(allowed, target.real))) {
          diagnostics.push(fileDiagnostic('library/outside-root', 'warning',
            `ignored a link that points outside the configured folders: ${entry.name} → ${target.real}`, path.join(dir, entry.name)));
          continue;
        }
        isDirectory = target.isDirectory;
        isFile = target.isFile;
      }
      if (isFile) files.push(entry.name);
      else if (isDirectory) subdirs.push(entry.name);
    }
    sortNaturally(files);
    sortNaturally(subdirs);
    fileCount += files.length;
    listings.push({ dir, relativeDir, names: new Set(files), files });
    if (fileCount > maxFiles) {
      diagnostics.push(fileDiagnostic('library/too-many-files', 'warning', `stopped after ${maxFiles} files`, root));
      break;
    }
    for (const name of subdirs) {
      const child = path.join(dir, name);
      if (options.skipDirs && options.skipDirs.size > 0) {
        if (options.skipDirs.has(realOrUndefined(child) ?? child)) continue;
      }
      queue.push({ dir: child, relativeDir: relativeDir ? `${relativeDir}/${name}` : name });
    }
  }
  // walk_files sorts os.walk's (root, dirs, files) tuples by the natural key of the root path.
  const keyed = listings.map((listing) => ({ listing, key: naturalSortKey(listing.dir) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return { listings: keyed.map(({ listing }) => listing), diagnostics };
}

function realOrUndefined(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

function resolveLink(linkPath: string): { real: string; isDirectory: boolean; isFile: boolean } | undefined {
  const real = realOrUndefined(linkPath);
  const info = real === undefined ? undefined : statSync(real, { throwIfNoEntry: false });
  return real !== undefined && info ? { real, isDirectory: info.isDirectory(), isFile: info.isFile() } : undefined;
}

/** Sorts names in place by their natural key, computing each key once. */
function sortNaturally(names: string[]): void {
  const keyed = names.map((name) => ({ name, key: naturalSortKey(name) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  for (let i = 0; i < keyed.length; i++) names[i] = keyed[i]!.name;
}
