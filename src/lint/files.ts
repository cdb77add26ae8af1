/**
 * Which files `sdprompt lint` reads: explicit files as given, directories searched for
 * `*.sdprompt` and `*.prompt.txt`, globs expanded. node_modules and dot-folders are never
 * entered; `ignores` globs of the configuration apply to directory and glob results.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { IgnoreGlobs } from '../config/types.js';

export const PROMPT_FILE_SUFFIXES = ['.sdprompt', '.prompt.txt'];

export function isPromptFile(name: string): boolean {
  return PROMPT_FILE_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

const GLOB_CHARACTERS = /[*?[\]{}!]/;

export interface FileSearch {
  files: string[];
  /** Patterns that matched nothing (ESLint: "No files matching the pattern"). */
  unmatched: string[];
}

/** A compiled ignore test over absolute paths. */
export function ignoreMatcher(ignores: readonly IgnoreGlobs[]): (absolutePath: string, isDirectory: boolean) => boolean {
  const compiled = ignores.map(({ base, patterns }) => ({ base, match: picomatch(patterns, { dot: true }) }));
  return (absolutePath, isDirectory) => {
    for (const { base, match } of compiled) {
      const relative = path.relative(base, absolutePath).split(path.sep).join('/');
      if (relative === '' || relative.startsWith('..')) continue;
      if (match(relative) || (isDirectory && match(`${relative}/`))) return true;
    }
    return false;
  };
}

function walkDirectory(dir: string, isIgnored: (file: string, isDirectory: boolean) => boolean, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const name = entry.name;
    const full = path.join(dir, name);
    if (entry.isDirectory()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      if (isIgnored(full, true)) continue;
      walkDirectory(full, isIgnored, out);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isPromptFile(name) && !isIgnored(full, false)) {
      out.push(full);
    }
  }
}

export async function findPromptFiles(
  patterns: readonly string[],
  cwd: string,
  isIgnored: (absolutePath: string, isDirectory: boolean) => boolean,
): Promise<FileSearch> {
  const found = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns.length > 0 ? patterns : ['.']) {
    const absolute = path.resolve(cwd, pattern);
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      stat = undefined;
    }
    const before = found.size;
    if (stat?.isDirectory()) {
      const list: string[] = [];
      walkDirectory(absolute, isIgnored, list);
      list.sort();
      for (const file of list) found.add(file);
    } else if (stat?.isFile()) {
      found.add(absolute); // named explicitly: linted whatever its name
    } else if (GLOB_CHARACTERS.test(pattern)) {
      const { glob } = await import('tinyglobby');
      const matches = await glob(pattern, { cwd, absolute: true, dot: false, ignore: ['**/node_modules/**'] });
      for (const file of matches.sort()) if (!isIgnored(file, false)) found.add(path.normalize(file));
    }
    if (found.size === before) unmatched.push(pattern);
  }
  return { files: [...found], unmatched };
}
