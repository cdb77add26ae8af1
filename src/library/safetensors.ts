/**
 * Reads the header of a `.safetensors` file, and nothing else (lora-files.md §2):
 * bytes 0–7 are a little-endian u64 N, bytes 8..8+N a UTF-8 JSON object mapping tensor names to
 * `{dtype, shape, data_offsets}` plus an optional `__metadata__` object of strings.
 *
 * Every corruption (truncated file, absurd N, bad UTF-8 or JSON, a non-object, offsets outside the
 * data) becomes a `problem` string, never an exception or a large allocation: N is checked against
 * MAX_HEADER_BYTES and the file size before any buffer is allocated.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** The safetensors crate refuses headers over 100,000,000 bytes (safetensors/src/tensor.rs MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** Byte range inside the data section (which starts at 8 + N). */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** N, the JSON length. */
  headerLength: number;
  /** 8 + N: where the tensor data starts. */
  dataStart: number;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
}

export type HeaderResult = { ok: true; header: SafetensorsHeader } | { ok: false; problem: string };

const DTYPE_BYTES: Record<string, number> = {
  F64: 8, I64: 8, U64: 8, F32: 4, I32: 4, U32: 4, F16: 2, BF16: 2, I16: 2, U16: 2,
  I8: 1, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1, F8_E8M0: 1,
};

/** Reads and checks the header of the file at `path`; `fileSize` saves a stat when known. */
export async function readSafetensorsHeader(path: string, fileSize?: number): Promise<HeaderResult> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return { ok: false, problem: `cannot open: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  try {
    const size = fileSize ?? (await handle.stat()).size;
    if (size < 8) return { ok: false, problem: `file is ${size} bytes, shorter than the 8-byte header length` };
    const prefix = Buffer.alloc(8);
    await readFully(handle, prefix, 0);
    const length = checkHeaderLength(prefix.readBigUInt64LE(0), size);
    if (typeof length === 'string') return { ok: false, problem: length };
    const json = Buffer.allocUnsafe(length);
    const got = await readFully(handle, json, 8);
    if (got < length) return { ok: false, problem: `file ended after ${got} of ${length} header bytes` };
    return parseHeaderJson(json, length, size);
  } catch (error) {
    return { ok: false, problem: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    await handle.close();
  }
}

/**
 * The same check with synchronous reads: the scanner reads thousands of small headers, and a
 * thread-pool round trip per read costs more than the read itself. It yields between files.
 */
export function readSafetensorsHeaderSync(path: string, fileSize?: number): HeaderResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { ok: false, problem: `cannot open: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  try {
    const size = fileSize ?? fstatSync(fd).size;
    if (size < 8) return { ok: false, problem: `file is ${size} bytes, shorter than the 8-byte header length` };
    const prefix = Buffer.alloc(8);
    readFullySync(fd, prefix, 0);
    const length = checkHeaderLength(prefix.readBigUInt64LE(0), size);
    if (typeof length === 'string') return { ok: false, problem: length };
    const json = Buffer.allocUnsafe(length);
    const got = readFullySync(fd, json, 8);
    if (got < length) return { ok: false, problem: `file ended after ${got} of ${length} header bytes` };
    return parseHeaderJson(json, length, size);
  } catch (error) {
    return { ok: false, problem: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    closeSync(fd);
  }
}

function readFullySync(fd: number, buffer: Buffer, position: number): number {
  let done = 0;
  while (done < buffer.length) {
    const bytesRead = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Parses a header from bytes already in memory (the whole file or at least its first 8 + N bytes). */
export function parseSafetensorsBytes(bytes: Uint8Array, fileSize = bytes.length): HeaderResult {
  if (bytes.length < 8) return { ok: false, problem: `file is ${bytes.length} bytes, shorter than the 8-byte header length` };
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = checkHeaderLength(view.readBigUInt64LE(0), fileSize);
  if (typeof length === 'string') return { ok: false, problem: length };
  if (view.length < 8 + length) return { ok: false, problem: `file ended after ${view.length - 8} of ${length} header bytes` };
  return parseHeaderJson(view.subarray(8, 8 + length), length, fileSize);
}

function checkHeaderLength(raw: bigint, fileSize: number): number | string {
  if (raw > BigInt(MAX_HEADER_BYTES)) {
    return `header length ${raw} is over the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file, or corrupt)`;
  }
  const length = Number(raw);
  if (length === 0) return 'header length is 0';
  if (length > fileSize - 8) return `header length ${length} runs past the end of the ${fileSize}-byte file (truncated?)`;
  return length;
}

function parseHeaderJson(json: Buffer, length: number, fileSize: number): HeaderResult {
  // toString replaces bad sequences with U+FFFD; only then is the strict (slower) decoder needed.
  let text = json.toString('utf8');
  if (text.includes('\uFFFD')) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(json);
    } catch {
      return { ok: false, problem: 'header is not valid UTF-8' };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `header is not valid JSON (${(error as Error).message})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, problem: 'header is not a JSON object' };
  }
  const dataLength = fileSize - 8 - length;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { ok: false, problem: '__metadata__ is not an object' };
      }
      metadata = stringValues(value as Record<string, unknown>);
      continue;
    }
    const tensor = checkTensor(key, value, dataLength);
    if (typeof tensor === 'string') return { ok: false, problem: tensor };
    tensors.set(key, tensor);
  }
  return { ok: true, header: { headerLength: length, dataStart: 8 + length, tensors, metadata } };
}

function checkTensor(key: string, value: unknown, dataLength: number): TensorInfo | string {
  if (value === null || typeof value !== 'object') return `tensor "${key}" is not an object`;
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') return `tensor "${key}" has no dtype`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return `tensor "${key}" has an invalid shape`;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    return `tensor "${key}" has invalid data_offsets`;
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    return `tensor "${key}" data_offsets [${begin}, ${end}] lie outside the ${dataLength}-byte data section`;
  }
  const width = DTYPE_BYTES[dtype];
  if (width !== undefined) {
    const expected = (shape as number[]).reduce((product, d) => product * d, 1) * width;
    if (expected !== end - begin) return `tensor "${key}" is ${end - begin} bytes but its shape and dtype need ${expected}`;
  }
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** The format says string → string; some writers put numbers or objects: keep them as JSON text. */
function stringValues(object: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

async function readFully(handle: import('node:fs/promises').FileHandle, buffer: Buffer, position: number): Promise<number> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Reads one scalar tensor (a LoRA's `alpha`) from the data section: at most 8 bytes.
 * Returns undefined for anything but a 1-element F32/F16/BF16/F64 tensor.
 */
export async function readScalarTensor(path: string, header: SafetensorsHeader, key: string): Promise<number | undefined> {
  const tensor = header.tensors.get(key);
  if (!tensor) return undefined;
  const count = tensor.shape.reduce((product, d) => product * d, 1);
  const [begin, end] = tensor.dataOffsets;
  if (count !== 1 || end - begin > 8) return undefined;
  let handle;
  try {
    handle = await open(path, 'r');
    const bytes = Buffer.alloc(end - begin);
    await readFully(handle, bytes, header.dataStart + begin);
    return decodeScalar(tensor.dtype, bytes);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** `readScalarTensor` with a synchronous read (see readSafetensorsHeaderSync). */
export function readScalarTensorSync(path: string, header: SafetensorsHeader, key: string): number | undefined {
  const tensor = header.tensors.get(key);
  if (!tensor) return undefined;
  const count = tensor.shape.reduce((product, d) => product * d, 1);
  const [begin, end] = tensor.dataOffsets;
  if (count !== 1 || end - begin > 8) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const bytes = Buffer.alloc(end - begin);
    readFullySync(fd, bytes, header.dataStart + begin);
    return decodeScalar(tensor.dtype, bytes);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function decodeScalar(dtype: string, bytes: Buffer): number | undefined {
  switch (dtype) {
    case 'F32':
      return bytes.length >= 4 ? bytes.readFloatLE(0) : undefined;
    case 'F64':
      return bytes.length >= 8 ? bytes.readDoubleLE(0) : undefined;
    case 'BF16':
      return bytes.length >= 2 ? Buffer.from([0, 0, bytes[0]!, bytes[1]!]).readFloatLE(0) : undefined;
    case 'F16':
      return bytes.length >= 2 ? halfToFloat(bytes.readUInt16LE(0)) : undefined;
    default:
      return undefined;
  }
}

export function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
