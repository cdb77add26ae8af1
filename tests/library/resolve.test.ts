import { describe, expect, it } from 'vitest';
import { buildLoraEntry, type LoraFileFacts } from '../../src/library/lora-entry.js';
import { editDistance, LoraNameTable } from '../../src/library/resolve.js';
import type { LoraEntry } from '../../src/library/types.js';

/** A LoRA file `relativePath` whose metadata says `ss_output_name = alias` (none: no metadata). */
function lora(relativePath: string, alias?: string): LoraEntry {
  const facts: LoraFileFacts = {
    fileFormat: 'safetensors', keyFormat: 'kohya', algorithm: 'lora', keyBaseModel: 'sd1', tensorCount: 3,
    targets: { unet: true, textEncoder: false }, looksLikeEmbedding: false,
    metadata: alias === undefined ? {} : { ss_output_name: alias }, tagFrequency: [],
  };
  const name = relativePath.split('/').pop()!.replace(/\.[^.]+$/, '');
  return buildLoraEntry({ name, relativePath, path: `/loras/${relativePath}`, source: { kind: 'folder', root: '/loras' }, size: 1, mtimeMs: 1, facts, diagnostics: [] });
}

describe('A1111 name resolution (networks.py)', () => {
  it('resolves by file stem and by ss_output_name alias, case-sensitively', () => {
    const table = new LoraNameTable([lora('JL_sectionplan.safetensors', 'JL section plan v2'), lora('styles/ink.safetensors')]);
    expect(table.resolve('JL_sectionplan')?.relativePath).toBe('JL_sectionplan.safetensors');
    expect(table.resolve('JL section plan v2')?.relativePath).toBe('JL_sectionplan.safetensors');
    expect(table.resolve('ink')?.relativePath).toBe('styles/ink.safetensors');
    expect(table.resolve('jl_sectionplan')).toBeUndefined();
    expect(table.resolve('styles/ink')).toBeUndefined();
    expect(table.promptName(table.resolve('JL_sectionplan')!)).toBe('JL section plan v2');
  });

  it('a duplicated alias is forbidden: it resolves by file name only and A1111 writes the file name', () => {
    const a = lora('a.safetensors', 'shared');
    const b = lora('b.safetensors', 'shared');
    const table = new LoraNameTable([a, b]);
    expect(table.resolve('shared')).toBeUndefined();
    expect(a.aliasForbidden && b.aliasForbidden).toBe(true);
    expect(table.promptName(a)).toBe('a');
    expect(table.resolve('a')).toBe(a);
    expect(table.diagnostics.filter((d) => d.code === 'library/duplicate-alias')).toHaveLength(2);
  });

  it('a file actually named like a forbidden alias still resolves by its name', () => {
    const shared = lora('shared.safetensors');
    const other = lora('other.safetensors', 'shared');
    const table = new LoraNameTable([shared, other]);
    expect(table.resolve('shared')).toBe(shared);
    expect(table.resolve('other')).toBe(other);
    expect(table.promptName(other)).toBe('other');
  });

  it('forbids "none" (any case) but, as A1111 stores "Addams" capitalised and looks up lower case, not "Addams"', () => {
    const none = lora('x.safetensors', 'None');
    const addams = lora('y.safetensors', 'Addams');
    const table = new LoraNameTable([none, addams]);
    expect(table.resolve('None')).toBeUndefined();
    expect(table.resolve('x')).toBe(none);
    expect(none.aliasForbidden).toBe(true);
    expect(table.resolve('Addams')).toBe(addams);
    expect(addams.aliasForbidden).toBe(false);
  });

  it('two files with one stem: the later one wins, with a warning', () => {
    const first = lora('a/style.safetensors');
    const second = lora('b/style.safetensors');
    const table = new LoraNameTable([first, second]);
    expect(table.resolve('style')).toBe(second);
    expect(table.diagnostics.map((d) => d.code)).toContain('library/duplicate-name');
  });
});

describe('ComfyUI and stable-diffusion.cpp resolution', () => {
  const table = new LoraNameTable([lora('styles/ink.safetensors'), lora('JL_sectionplan.safetensors')]);
  it.each([
    ['styles/ink.safetensors', 'styles/ink.safetensors'],
    ['styles\\ink.safetensors', 'styles/ink.safetensors'],
    ['JL_sectionplan.safetensors', 'JL_sectionplan.safetensors'],
    ['ink.safetensors', undefined],
    ['styles/ink', undefined],
  ])('ComfyUI lora_name %s → %s', (name, expected) => {
    expect(table.resolveComfy(name)?.relativePath).toBe(expected);
  });
  it.each([
    ['styles/ink', 'styles/ink.safetensors'],
    ['styles/ink.safetensors', 'styles/ink.safetensors'],
    ['JL_sectionplan', 'JL_sectionplan.safetensors'],
    ['ink', undefined],
  ])('sd.cpp path %s → %s', (name, expected) => {
    expect(table.resolvePath(name)?.relativePath).toBe(expected);
  });
});

describe('did you mean', () => {
  const table = new LoraNameTable([
    lora('JL_sectionplan.safetensors'), lora('archi_sketch.safetensors'), lora('archi_watercolor.safetensors'), lora('ink.safetensors'),
  ]);
  it.each([
    ['JL_sectionplam', 'JL_sectionplan'],
    ['jl_sectionplan', 'JL_sectionplan'],
    ['JLsectionplan', 'JL_sectionplan'],
    ['archi_skecth', 'archi_sketch'],
    ['archi_watercolour', 'archi_watercolor'],
    ['sectionplan', 'JL_sectionplan'],
  ])('%s → %s first', (written, expected) => {
    expect(table.suggest(written)[0]?.name).toBe(expected);
  });
  it('suggests nothing for unrelated names or an exact match', () => {
    expect(table.suggest('portrait_photo')).toEqual([]);
    expect(table.suggest('ink')).toEqual([]);
  });
  it('edit distance counts transpositions as one edit', () => {
    expect(editDistance('abcd', 'abdc')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
