/**
 * PNG text chunks (PNG spec §11.3.4): read tEXt, zTXt and iTXt; add chunks before IEND. This is
 * where A1111 keeps its `parameters` infotext and ComfyUI its `prompt`/`workflow` JSON
 * (engine-apis.md §4, a1111.md §5), and where sdprompt stores the source and compiled form.
 */
import { crc32, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class PngError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngError';
  }
}

interface Chunk {
  type: string;
  data: Buffer;
  /** Offset of the chunk's length field. */
  offset: number;
}

function* chunks(png: Buffer): Generator<Chunk> {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new PngError('not a PNG file (bad signature)');
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > png.length) throw new PngError(`truncated PNG: chunk ${type} runs past the end of the file`);
    yield { type, data: png.subarray(offset + 8, offset + 8 + length), offset };
    offset += 12 + length;
    if (type === 'IEND') return;
  }
  throw new PngError('truncated PNG: no IEND chunk');
}

/** All text chunks, keyword → text (the first occurrence of a keyword wins). */
export function readPngText(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const chunk of chunks(png)) {
    let entry: [string, string] | undefined;
    if (chunk.type === 'tEXt') {
      const nul = chunk.data.indexOf(0);
      if (nul > 0) entry = [chunk.data.toString('latin1', 0, nul), chunk.data.toString('latin1', nul + 1)];
    } else if (chunk.type === 'zTXt') {
      const nul = chunk.data.indexOf(0);
      if (nul > 0) entry = [chunk.data.toString('latin1', 0, nul), inflateSync(chunk.data.subarray(nul + 2)).toString('latin1')];
    } else if (chunk.type === 'iTXt') {
      const nul = chunk.data.indexOf(0);
      if (nul > 0) {
        const compressed = chunk.data[nul + 1] === 1;
        const languageEnd = chunk.data.indexOf(0, nul + 3);
        const translatedEnd = chunk.data.indexOf(0, languageEnd + 1);
        const text = chunk.data.subarray(translatedEnd + 1);
        entry = [chunk.data.toString('latin1', 0, nul), (compressed ? inflateSync(text) : text).toString('utf8')];
      }
    }
    if (entry && !(entry[0] in out)) out[entry[0]] = entry[1];
  }
  return out;
}

function makeChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** tEXt for Latin-1 text (what A1111 and ComfyUI write), iTXt (UTF-8) for anything else. */
function textChunk(keyword: string, text: string): Buffer {
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword)) throw new PngError(`invalid PNG text keyword "${keyword}"`);
  if (/^[\x00-\xff]*$/.test(text) && !text.includes('\0')) return makeChunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]));
  return makeChunk('iTXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
}

/** Returns a copy of `png` with the text chunks added before IEND; existing chunks with the same keywords are removed. */
export function writePngText(png: Buffer, entries: Record<string, string>): Buffer {
  const parts: Buffer[] = [SIGNATURE];
  const replaced = new Set(Object.keys(entries));
  for (const chunk of chunks(png)) {
    const raw = png.subarray(chunk.offset, chunk.offset + 12 + chunk.data.length);
    if (chunk.type === 'IEND') {
      for (const [keyword, text] of Object.entries(entries)) parts.push(textChunk(keyword, text));
      parts.push(raw);
      break;
    }
    if (['tEXt', 'iTXt', 'zTXt'].includes(chunk.type)) {
      const keyword = chunk.data.toString('latin1', 0, Math.max(0, chunk.data.indexOf(0)));
      if (replaced.has(keyword)) continue;
    }
    parts.push(raw);
  }
  return Buffer.concat(parts);
}
