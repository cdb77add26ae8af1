/**
 * Lists the files under a root folder, one directory at a time, the way A1111 walks its model
 * folders (modules/util.py walk_files: os.walk with followlinks=True, names sorted naturally).
 *
 * Paths stay inside the configured roots: a symlink is resolved and followed only when its target
 * lies inside one of the allowed roots (so a link cannot lead the scan to /etc), and each real
 * directory is entered once (so a link loop ends).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
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
  const left = naturalSortKey(a);
  const right = naturalSortKey(b);
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
    await realpath(root);
  } catch {
    diagnostics.push(fileDiagnostic('library/missing-folder', 'warning', `folder not found: ${root}`, root));
    return { listings, diagnostics };
  }
  const visited = new Set<string>();
  const queue: Array<{ dir: string; relativeDir: string }> = [{ dir: root, relativeDir: '' }];
  while (queue.length > 0) {
    const { dir, relativeDir } = queue.shift()!;
    // Each real directory once: a folder reached both directly and through a link, or a link loop.
    const real = await realpath(dir).catch(() => undefined);
    if (real === undefined || visited.has(real)) continue;
    visited.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
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
        const target = await resolveLink(path.join(dir, entry.name));
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
    files.sort(naturalCompare);
    subdirs.sort(naturalCompare);
    fileCount += files.length;
    listings.push({ dir, relativeDir, names: new Set(files), files });
    if (fileCount > maxFiles) {
      diagnostics.push(fileDiagnostic('library/too-many-files', 'warning', `stopped after ${maxFiles} files`, root));
      break;
    }
    for (const name of subdirs) {
      const child = path.join(dir, name);
      if (options.skipDirs && options.skipDirs.size > 0) {
        const real = await realpath(child).catch(() => child);
        if (options.skipDirs.has(real)) continue;
      }
      queue.push({ dir: child, relativeDir: relativeDir ? `${relativeDir}/${name}` : name });
    }
  }
  // walk_files sorts os.walk's (root, dirs, files) tuples by the natural key of the root path.
  listings.sort((a, b) => naturalCompare(a.dir, b.dir));
  return { listings, diagnostics };
}

async function resolveLink(linkPath: string): Promise<{ real: string; isDirectory: boolean; isFile: boolean } | undefined> {
  try {
    const real = await realpath(linkPath);
    const info = await stat(real);
    return { real, isDirectory: info.isDirectory(), isFile: info.isFile() };
  } catch {
    return undefined;
  }
}
