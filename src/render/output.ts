/**
 * Output names and safe writes. A job's name is derived from what it renders (file, prompt, seed,
 * sweep values), so a re-run finds the images it already has and skips them; a write never
 * replaces an existing file (temp file + hard link, which fails instead of overwriting).
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Keeps names portable: letters, digits, `._-=` only. */
export function safeNamePart(text: string): string {
  return text.replace(/[^\w.=-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'x';
}

export interface OutputNameParts {
  /** Prompt file name without extension. */
  stem: string;
  /** `@prompt` name or the prompt's 1-based index. */
  prompt: string;
  seed: number;
  /** Sweep values, e.g. `{ 'JL_sectionplan': '0.4' }`. */
  sweep?: Record<string, string>;
  /** Image number within the job (batch). */
  image: number;
}

export function outputName(parts: OutputNameParts): string {
  const sweep = Object.entries(parts.sweep ?? {}).map(([key, value]) => safeNamePart(`${key}=${value}`));
  return [safeNamePart(parts.stem), safeNamePart(parts.prompt), `s${parts.seed}`, ...sweep, String(parts.image + 1).padStart(2, '0')].join('-') + '.png';
}

/**
 * Writes `data` at `target` unless a file is already there; if one is, writes `name (1).png`,
 * `name (2).png`… Returns the path written. Never overwrites.
 */
export async function writeNew(target: string, data: Buffer): Promise<string> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, data, { flag: 'wx' });
  try {
    const ext = path.extname(target);
    const base = target.slice(0, target.length - ext.length);
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? target : `${base} (${n})${ext}`;
      try {
        await link(temp, candidate);
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
}
