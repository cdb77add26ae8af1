/**
 * The hashes users see in infotext and on Civitai (a1111.md §5, lora-files.md §6), from one pass
 * over the file:
 *  - AutoV2 / checkpoint "Model hash": SHA-256 of the whole file, first 10 hex;
 *  - A1111's LoRA hash: `sshs_model_hash` from the metadata, else SHA-256 of the safetensors tensor
 *    data (every byte after 8 + N: modules/hashes.py addnet_hash_safetensors), else (pickle) the
 *    whole-file SHA-256; first 12 hex in `Lora hashes`.
 * Hashing a large file costs time, so the library computes hashes only when asked and caches them
 * by path, size and mtime (as A1111 caches them per mtime).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { MAX_HEADER_BYTES } from './safetensors.js';
import type { FileHashes } from './types.js';

export interface FileDigests {
  /** SHA-256 of the whole file. */
  sha256: string;
  /** SHA-256 of the bytes after the safetensors header; undefined for pickle or unreadable headers. */
  dataSha256?: string;
}

/** Reads the file once and returns both digests. */
export async function digestFile(file: string, safetensors: boolean): Promise<FileDigests> {
  const dataStart = safetensors ? await safetensorsDataStart(file) : undefined;
  const whole = createHash('sha256');
  const data = dataStart !== undefined ? createHash('sha256') : undefined;
  let position = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    if (data && dataStart !== undefined && position + chunk.length > dataStart) {
      data.update(position >= dataStart ? chunk : chunk.subarray(dataStart - position));
    }
    position += chunk.length;
  }
  const result: FileDigests = { sha256: whole.digest('hex') };
  if (data) result.dataSha256 = data.digest('hex');
  return result;
}

/** 8 + N when the first 8 bytes hold a plausible header length, else undefined. */
async function safetensorsDataStart(file: string): Promise<number | undefined> {
  const handle = await open(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    const { bytesRead } = await handle.read(prefix, 0, 8, 0);
    if (bytesRead < 8) return undefined;
    const length = prefix.readBigUInt64LE(0);
    const size = (await handle.stat()).size;
    if (length > BigInt(MAX_HEADER_BYTES) || Number(length) > size - 8) return undefined;
    return 8 + Number(length);
  } finally {
    await handle.close();
  }
}

/** The hashes shown to users, from the digests and the LoRA's `sshs_model_hash` (if any). */
export function fileHashes(digests: FileDigests, sshsModelHash?: string): FileHashes {
  const loraSource = sshsModelHash && /^[0-9a-f]{12,}$/i.test(sshsModelHash) ? sshsModelHash.toLowerCase() : digests.dataSha256 ?? digests.sha256;
  return { sha256: digests.sha256, autoV2: digests.sha256.slice(0, 10), loraHash: loraSource.slice(0, 12) };
}
