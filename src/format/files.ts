/**
 * File-system helpers of `sdprompt fmt`: which files a list of paths and globs names, and a write
 * that never leaves a half-written file behind. Kept apart from the formatter itself, which is pure.
 */
import { randomBytes } from 'node:crypto';
import { chmod, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';

/** Extension of prompt files, searched for inside folders. */
export const PROMPT_FILE_GLOB = '**/*.sdprompt';

const IGNORED = ['**/node_modules/**', '**/.git/**'];

function isGlob(text: string): boolean {
  return /[*?[\]{}!]/.test(text);
}

/**
 * Files named by `paths`: a file as is, a folder as every `*.sdprompt` below it, anything with glob
 * characters as a glob. Sorted and without duplicates. A path that does not exist, or a glob that
 * matches nothing, is an error (thrown with a one-line message).
 */
export async function expandPaths(paths: string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isFile()) {
      found.add(absolute);
      continue;
    }
    if (info?.isDirectory()) {
      const matches = await glob(PROMPT_FILE_GLOB, { cwd: absolute, absolute: true, ignore: IGNORED });
      for (const match of matches) found.add(path.resolve(match));
      continue;
    }
    if (!isGlob(given)) throw new Error(`no such file or folder: ${given}`);
    const matches = await glob(given, { cwd, absolute: true, ignore: IGNORED, onlyFiles: true });
    if (matches.length === 0) throw new Error(`no files match ${given}`);
    for (const match of matches) found.add(path.resolve(match));
  }
  return [...found].sort();
}

/**
 * Replaces `file` with `content`: written to a temporary file in the same folder (same file
 * system, so the rename is atomic), given the original's permissions, then renamed over it.
 * The original stays intact if anything fails; a symbolic link stays a link.
 */
export async function writeFileAtomic(given: string, content: string): Promise<void> {
  // Through a symbolic link, replace the file it points to, not the link.
  const file = await realpath(given).catch(() => given);
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, { encoding: 'utf8', flag: 'wx' });
    const original = await stat(file).catch(() => undefined);
    if (original) await chmod(temporary, original.mode & 0o7777);
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
