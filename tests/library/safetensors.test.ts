import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSafetensors, loraTensors } from '../../src/library/fixtures.js';
import { MAX_HEADER_BYTES, halfToFloat, parseSafetensorsBytes, readSafetensorsHeader } from '../../src/library/safetensors.js';

function withHeader(json: string, dataBytes = 0, declaredLength?: number): Buffer {
  const body = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(declaredLength ?? body.length));
  return Buffer.concat([prefix, body, Buffer.alloc(dataBytes)]);
}

function rawPrefix(length: bigint, rest: Buffer = Buffer.alloc(0)): Buffer {
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length);
  return Buffer.concat([prefix, rest]);
}

const valid = buildSafetensors(loraTensors({ family: 'sd1', rank: 2, layers: 2 }), { ss_output_name: 'x', ss_network_dim: '2' }, 5).bytes;

describe('safetensors header reader', () => {
  it('reads tensors, data start and metadata of a valid file', () => {
    const result = parseSafetensorsBytes(valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { header } = result;
    expect(header.dataStart).toBe(8 + Number(valid.readBigUInt64LE(0)));
    expect(header.metadata).toEqual({ ss_output_name: 'x', ss_network_dim: '2' });
    const down = [...header.tensors.entries()].find(([key]) => key.endsWith('attn2_to_k.lora_down.weight'));
    expect(down?.[1].shape).toEqual([2, 768]);
    expect(down?.[1].dtype).toBe('F16');
  });

  const corrupt: Array<[string, Buffer, RegExp]> = [
    ['empty file', Buffer.alloc(0), /shorter than the 8-byte/],
    ['five bytes', Buffer.from([1, 2, 3, 4, 5]), /shorter than the 8-byte/],
    ['zero header length', rawPrefix(0n, Buffer.alloc(16)), /header length is 0/],
    ['header length over 100 MB', rawPrefix(BigInt(MAX_HEADER_BYTES + 1), Buffer.alloc(16)), /over the 100000000-byte limit/],
    ['u64 max header length', rawPrefix(0xffffffffffffffffn, Buffer.alloc(16)), /over the 100000000-byte limit/],
    ['header length past the end', withHeader('{}', 0, 4096), /runs past the end/],
    ['truncated valid file', valid.subarray(0, 8 + 40), /runs past the end/],
    ['invalid UTF-8', withHeader('{"a":"\u00ff"}'.replace('\u00ff', '\ufffd')).fill(0xff, 14, 15), /not valid UTF-8/],
    ['bad JSON', withHeader('{"a": [1, 2'), /not valid JSON/],
    ['JSON array', withHeader('[1, 2, 3]'), /not a JSON object/],
    ['JSON string', withHeader('"hello"'), /not a JSON object/],
    ['JSON null', withHeader('null'), /not a JSON object/],
    ['metadata not an object', withHeader('{"__metadata__": "x"}'), /__metadata__ is not an object/],
    ['tensor not an object', withHeader('{"w": 3}'), /"w" is not an object/],
    ['tensor without dtype', withHeader('{"w": {"shape": [1], "data_offsets": [0, 2]}}', 2), /"w" has no dtype/],
    ['negative shape', withHeader('{"w": {"dtype": "F16", "shape": [-1], "data_offsets": [0, 2]}}', 2), /invalid shape/],
    ['offsets past the data', withHeader('{"w": {"dtype": "F16", "shape": [4], "data_offsets": [0, 8]}}', 4), /outside the 4-byte data section/],
    ['reversed offsets', withHeader('{"w": {"dtype": "F16", "shape": [1], "data_offsets": [4, 2]}}', 4), /outside/],
    ['size disagrees with shape', withHeader('{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}', 4), /need 8/],
  ];
  it.each(corrupt)('refuses %s with a problem, not an exception', (_label, bytes, message) => {
    const result = parseSafetensorsBytes(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(message);
  });

  it('reads from disk the same way and refuses a huge declared header without allocating it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-st-'));
    const good = path.join(dir, 'good.safetensors');
    await writeFile(good, valid);
    const fromDisk = await readSafetensorsHeader(good);
    expect(fromDisk.ok).toBe(true);
    const huge = path.join(dir, 'huge.safetensors');
    // Claims a 99 MB header in a 24-byte file: must be refused by the size check before any read.
    await writeFile(huge, rawPrefix(99_000_000n, Buffer.alloc(16)));
    const before = process.memoryUsage().arrayBuffers;
    const result = await readSafetensorsHeader(huge);
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/runs past the end of the 24-byte file/) });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50_000_000);
    const missing = await readSafetensorsHeader(path.join(dir, 'missing.safetensors'));
    expect(missing).toEqual({ ok: false, problem: 'cannot open: ENOENT' });
  });

  it('never throws on random bytes or on random corruption of a valid file', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const result = parseSafetensorsBytes(bytes);
      expect(typeof result.ok).toBe('boolean');
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(valid.length), (position, value, cut) => {
      const copy = Buffer.from(valid);
      copy[position] = value;
      const result = parseSafetensorsBytes(copy.subarray(0, Math.max(cut, position + 1)));
      expect(typeof result.ok).toBe('boolean');
    }), { numRuns: 500 });
  });

  it('decodes half floats', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0x4000)).toBe(2);
    expect(halfToFloat(0xc400)).toBe(-4);
    expect(halfToFloat(0x3800)).toBe(0.5);
  });
});
