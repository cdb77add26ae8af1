import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLibrary, defaultCacheDir, type LibraryChange } from '../../src/library/index.js';
import { writeLoraFixture } from '../../src/library/fixtures.js';

async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `sdprompt-${prefix}-`));
}

async function fixtureFolder(count: number): Promise<string> {
  const dir = await tempDir('index-loras');
  for (let i = 0; i < count; i++) {
    await writeLoraFixture(dir, {
      name: `lora_${i}`, family: i % 2 ? 'sdxl' : 'sd1', seed: i + 1,
      ...(i === 0 ? { userMetadata: { 'activation text': 'first', 'preferred weight': 0.7 } } : {}),
    });
  }
  return dir;
}

async function indexFiles(cacheDir: string): Promise<string[]> {
  return (await readdir(cacheDir)).filter((name) => name.endsWith('.json'));
}

describe('persistent index', () => {
  it('a warm start reads no file; a changed file is the only one read again', async () => {
    const loras = await fixtureFolder(6);
    const cacheDir = await tempDir('cache');
    const cold = await createLibrary({ loraDirs: [loras], cacheDir }).scan();
    expect(cold.filesRead).toBe(7); // six headers and one NAME.json
    expect(cold.filesCached).toBe(0);
    expect(await indexFiles(cacheDir)).toHaveLength(1);

    const warm = await createLibrary({ loraDirs: [loras], cacheDir }).scan();
    expect([warm.filesRead, warm.filesCached]).toEqual([0, 7]);
    expect(warm.loras).toEqual(cold.loras);

    await writeLoraFixture(loras, { name: 'lora_3', family: 'sd2', seed: 99 });
    const after = await createLibrary({ loraDirs: [loras], cacheDir }).scan();
    expect([after.filesRead, after.filesCached]).toEqual([1, 6]);
    expect(after.loras.find((entry) => entry.name === 'lora_3')?.baseModel).toBe('sd2');
  });

  it('a corrupt or foreign index is ignored and rebuilt', async () => {
    const loras = await fixtureFolder(2);
    const cacheDir = await tempDir('cache-corrupt');
    await createLibrary({ loraDirs: [loras], cacheDir }).scan();
    const [indexName] = await indexFiles(cacheDir);
    const indexPath = path.join(cacheDir, indexName!);
    await writeFile(indexPath, '{"format": "sdprompt-library-index", "version": 4, "records": {"lora:/x": ');
    const rebuilt = await createLibrary({ loraDirs: [loras], cacheDir }).scan();
    expect(rebuilt.loras).toHaveLength(2);
    expect(rebuilt.filesRead).toBe(3); // two headers and lora_0.json
    expect(rebuilt.diagnostics.map((d) => d.code)).toEqual(['library/index-corrupt']);
    expect(JSON.parse(await readFile(indexPath, 'utf8')).format).toBe('sdprompt-library-index');
    const again = await createLibrary({ loraDirs: [loras], cacheDir }).scan();
    expect(again.filesRead).toBe(0);
  });

  it('concurrent writers leave one complete index and no temp files', async () => {
    const loras = await fixtureFolder(8);
    const cacheDir = await tempDir('cache-race');
    const results = await Promise.all(Array.from({ length: 6 }, () => createLibrary({ loraDirs: [loras], cacheDir }).scan()));
    for (const result of results) expect(result.loras).toHaveLength(8);
    const names = await readdir(cacheDir);
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(names).toHaveLength(1);
    const index = JSON.parse(await readFile(path.join(cacheDir, names[0]!), 'utf8'));
    expect(Object.keys(index.records).filter((key) => key.startsWith('lora:'))).toHaveLength(8);
  });

  it('forgets deleted files and keeps computed hashes across instances', async () => {
    const loras = await fixtureFolder(3);
    const cacheDir = await tempDir('cache-prune');
    const first = createLibrary({ loraDirs: [loras], cacheDir });
    await first.scan();
    const hashes = await first.hashes(first.resolveLora('lora_1')!);
    await first.hashes(first.resolveLora('lora_2')!);
    await rm(path.join(loras, 'lora_2.safetensors'));
    const second = createLibrary({ loraDirs: [loras], cacheDir });
    const result = await second.scan();
    expect(result.loras.map((entry) => entry.name)).toEqual(['lora_0', 'lora_1']);
    const [indexName] = await indexFiles(cacheDir);
    const index = JSON.parse(await readFile(path.join(cacheDir, indexName!), 'utf8'));
    expect(Object.keys(index.records).some((key) => key.includes('lora_2'))).toBe(false);
    expect(Object.keys(index.records).filter((key) => key.startsWith('hashes:'))).toHaveLength(1);
    expect(await second.hashes(second.resolveLora('lora_1')!)).toEqual(hashes);
  });

  it('cacheDir false writes nothing; the default cache folder follows SDPROMPT_CACHE_DIR, then XDG_CACHE_HOME', async () => {
    expect(defaultCacheDir({ SDPROMPT_CACHE_DIR: '/a', XDG_CACHE_HOME: '/b' })).toBe('/a');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/b' })).toBe(path.join('/b', 'sdprompt'));
    expect(defaultCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'sdprompt'));
    const loras = await fixtureFolder(1);
    const cacheHome = await tempDir('xdg');
    await createLibrary({ loraDirs: [loras], env: { XDG_CACHE_HOME: cacheHome } }).scan();
    expect(await indexFiles(path.join(cacheHome, 'sdprompt'))).toHaveLength(1);
    const unused = await tempDir('unused');
    await createLibrary({ loraDirs: [loras], cacheDir: false, env: { SDPROMPT_CACHE_DIR: unused } }).scan();
    expect(await readdir(unused)).toEqual([]);
  });
});

describe('refresh and watch', () => {
  it('refresh reports added, changed and removed entries, and re-reads named paths', async () => {
    const loras = await fixtureFolder(3);
    const library = createLibrary({ loraDirs: [loras], cacheDir: false });
    await library.scan();
    expect(await library.refresh()).toEqual({ added: [], removed: [], changed: [] });
    await writeLoraFixture(loras, { name: 'new_one', family: 'sd1' });
    await writeFile(path.join(loras, 'lora_1.json'), JSON.stringify({ 'activation text': 'now with words' }));
    await rm(path.join(loras, 'lora_2.safetensors'));
    const change = await library.refresh();
    expect(change).toEqual({ added: ['lora:new_one.safetensors'], removed: ['lora:lora_2.safetensors'], changed: ['lora:lora_1.safetensors'] });
    expect(library.resolveLora('lora_1')?.triggerWords[0]?.text).toBe('now with words');

    // Same size and mtime but new content: only an explicit refresh of that path sees it.
    const file = path.join(loras, 'lora_0.safetensors');
    const stamp = 1_700_000_000; // whole seconds survive utimes exactly
    await utimes(file, stamp, stamp);
    expect((await library.refresh()).changed).toEqual(['lora:lora_0.safetensors']);
    const bytes = await readFile(file);
    const edited = Buffer.from(bytes.toString('latin1').replace('"ss_epoch":"10"', '"ss_epoch":"11"'), 'latin1');
    expect(edited.length).toBe(bytes.length);
    await writeFile(file, edited);
    await utimes(file, stamp, stamp);
    expect((await library.refresh()).changed).toEqual([]);
    expect((await library.refresh([file])).changed).toEqual(['lora:lora_0.safetensors']);
    expect(library.resolveLora('lora_0')?.metadata['ss_epoch']).toBe('11');
  });

  it('watch calls back once per burst of changes with what changed', async () => {
    const loras = await fixtureFolder(1);
    const library = createLibrary({ loraDirs: [loras], cacheDir: false });
    await library.scan();
    const changes: LibraryChange[] = [];
    const handle = library.watch((change) => changes.push(change), { debounceMs: 100 });
    try {
      await writeLoraFixture(loras, { name: 'watched', family: 'sd1', userMetadata: { 'activation text': 'w' }, preview: true });
      const deadline = Date.now() + 5000;
      while (changes.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(changes).toEqual([{ added: ['lora:watched.safetensors'], removed: [], changed: [] }]);
      expect(library.resolveLora('watched')?.triggerWords[0]?.text).toBe('w');
    } finally {
      handle.close();
    }
  });
});
