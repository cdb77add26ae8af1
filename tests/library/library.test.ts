import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLibrary, type LoraLibrary } from '../../src/library/index.js';
import { writeExampleLibrary } from '../../src/library/fixture-sets.js';
import { writeEmbeddingFixture, writeLoraFixture } from '../../src/library/fixtures.js';
import { algorithmFromMetadata } from '../../src/library/engines.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `sdprompt-${prefix}-`));
}

async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(path.relative(root, full));
    }
  };
  await walk(root);
  return out.sort();
}

describe('the example library (A1111 layout)', () => {
  let root: string;
  let library: LoraLibrary;
  beforeAll(async () => {
    root = await tempDir('examples');
    await writeExampleLibrary(root);
    library = createLibrary({ a1111Root: root, cacheDir: false });
    await library.scan();
  });

  it('the committed examples/loras is what the generator writes', async () => {
    const committed = path.join(repoRoot, 'examples', 'loras');
    const files = await listTree(root);
    expect(await listTree(committed)).toEqual(files);
    for (const file of files) {
      expect(createHash('sha256').update(await readFile(path.join(committed, file))).digest('hex'), file)
        .toBe(createHash('sha256').update(await readFile(path.join(root, file))).digest('hex'));
    }
  });

  it('lists the LoRAs in A1111 order with their families and formats', () => {
    expect(library.loras.map((entry) => [entry.name, entry.baseModel, entry.algorithm])).toEqual([
      ['archi_sdxl_lines', 'sdxl', 'lora'],
      ['archi_sketch', 'sd1', 'lora'],
      ['archi_watercolor', 'sd1', 'locon'],
      ['broken_truncated', 'unknown', 'unknown'],
      ['JL_sectionplan', 'sd1', 'lora'],
    ]);
  });

  it('JL_sectionplan: trigger words with their sources, preferred weight, sidecars', () => {
    const entry = library.resolveLora('JL_sectionplan')!;
    expect(entry.triggerWords.map((word) => [word.text, word.sources])).toEqual([
      ['section plan', ['activation-text', 'tag-frequency']],
      ['JL_section plan', ['activation-text', 'tag-frequency']],
    ]);
    expect(entry.preferredWeight).toBe(0.6);
    expect(entry.negativeText).toBe('photo, blurry');
    expect(entry.previewImage).toBe(path.join(root, 'models', 'Lora', 'JL_sectionplan.png'));
    expect(entry.description).toMatch(/^Architectural section-plan drawings/);
    expect([entry.rank, entry.alpha]).toEqual([4, 2]);
    expect(entry.tagFrequency[0]).toEqual({ tag: 'JL_section plan', count: 24 });
    expect(library.card(entry).insertText).toBe('<lora:JL_sectionplan:0.6> section plan, JL_section plan');
    expect(library.card(entry).negativeInsertText).toBe('(photo, blurry:1)');
  });

  it('archi_sketch: Civitai trainedWords, modelspec trigger phrase, NAME.preview.png and NAME.txt', () => {
    const entry = library.resolveLora('archi_sketch')!;
    expect(entry.triggerWords.find((word) => word.text === 'archi sketch')?.sources).toEqual(['civitai', 'modelspec', 'tag-frequency']);
    expect(entry.previewImage?.endsWith('archi_sketch.preview.png')).toBe(true);
    expect(entry.description).toBe('Loose pencil sketches of buildings.');
    expect(entry.title).toBe('archi_sketch');
    expect(entry.civitaiBaseModel).toBe('SD 1.5');
    expect(entry.preferredWeight).toBeUndefined();
  });

  it('the broken file is listed with an error diagnostic', () => {
    const broken = library.resolveLora('broken_truncated')!;
    expect(broken.diagnostics).toHaveLength(1);
    expect(broken.diagnostics[0]).toMatchObject({ code: 'library/corrupt-file', severity: 'error', file: path.join(root, 'models', 'Lora', 'broken_truncated.safetensors') });
    expect(broken.diagnostics[0]!.message).toMatch(/runs past the end/);
    expect(library.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(1);
  });

  it('embeddings, wildcards and checkpoints', () => {
    expect(library.embeddings.map((entry) => [entry.name, entry.baseModel, entry.vectors])).toEqual([
      ['archi_negative', 'sd1', 4], ['sdxl_clean_lines', 'sdxl', 2],
    ]);
    expect(library.resolveEmbedding('archi_negative')?.name).toBe('archi_negative');
    expect(library.resolveEmbedding('ARCHI_NEGATIVE')?.name).toBe('archi_negative');
    expect(library.resolveEmbedding('archi_negative.safetensors')?.name).toBe('archi_negative');
    expect(library.resolveEmbedding('nope')).toBeUndefined();
    expect(library.resolveWildcard('materials')?.values).toEqual(['concrete', 'brick', 'timber', 'corten steel', 'glass']);
    expect(library.resolveWildcard('archi/view')?.values).toEqual(['section', 'plan', 'axonometric']);
    expect(library.matchWildcards('archi/*').map((entry) => entry.name)).toEqual(['archi/style', 'archi/view']);
    expect(library.checkpoints.map((entry) => [entry.name, entry.baseModel])).toEqual([['sd15_stub', 'sd1'], ['sdxl_stub', 'sdxl']]);
    expect(library.resolveCheckpoint('sdxl_stub.safetensors [0123456789]')?.baseModel).toBe('sdxl');
  });

  it('hashes: AutoV2 of the file, and the LoRA hash from sshs_model_hash or the tensor data', async () => {
    for (const name of ['JL_sectionplan', 'archi_watercolor']) {
      const entry = library.resolveLora(name)!;
      const bytes = await readFile(entry.path!);
      const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
      const whole = createHash('sha256').update(bytes).digest('hex');
      const data = createHash('sha256').update(bytes.subarray(dataStart)).digest('hex');
      const hashes = await library.hashes(entry);
      expect(hashes).toEqual({ sha256: whole, autoV2: whole.slice(0, 10), loraHash: data.slice(0, 12) });
    }
    // archi_watercolor has no sshs_model_hash, JL_sectionplan has one (equal to the data hash, as sd-scripts writes it).
    expect(library.resolveLora('archi_watercolor')!.sshsModelHash).toBeUndefined();
    expect(library.resolveLora('JL_sectionplan')!.sshsModelHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('folders on disk', () => {
  it('uses sshs_model_hash as the LoRA hash when present, even if the data differ', async () => {
    const dir = await tempDir('sshs');
    await writeLoraFixture(dir, { name: 'x', family: 'sd1', metadata: { ss_output_name: 'x', sshs_model_hash: 'ab'.repeat(32) } });
    const library = createLibrary({ loraDirs: [dir], cacheDir: false });
    await library.scan();
    expect((await library.hashes(library.resolveLora('x')!))?.loraHash).toBe('abababababab');
  });

  it('lists pickle files without reading them, and a pickle hash is the whole-file SHA-256', async () => {
    const dir = await tempDir('pickle');
    const file = await writeLoraFixture(dir, { name: 'old', family: 'sd1', pickle: true });
    const library = createLibrary({ loraDirs: [dir], cacheDir: false });
    const result = await library.scan();
    expect(result.loras.map((entry) => [entry.name, entry.fileFormat, entry.diagnostics.length])).toEqual([['old', 'pickle', 0]]);
    const whole = createHash('sha256').update(await readFile(file)).digest('hex');
    expect((await library.hashes(result.loras[0]!))?.loraHash).toBe(whole.slice(0, 12));
  });

  it('follows links inside the configured folders, ignores links outside them, and survives a link loop', async () => {
    const base = await tempDir('links');
    const loras = path.join(base, 'loras');
    const outside = path.join(base, 'outside');
    await writeLoraFixture(path.join(loras, 'real'), { name: 'inside', family: 'sd1' });
    await writeLoraFixture(outside, { name: 'secret', family: 'sd1' });
    await symlink(path.join(loras, 'real'), path.join(loras, 'alias-dir'));
    await symlink(outside, path.join(loras, 'escape'));
    await symlink(path.join(outside, 'secret.safetensors'), path.join(loras, 'escape-file.safetensors'));
    await symlink(loras, path.join(loras, 'real', 'loop'));
    const library = createLibrary({ loraDirs: [loras], cacheDir: false });
    const result = await library.scan();
    expect(result.loras.map((entry) => entry.name)).toEqual(['inside']);
    expect(result.diagnostics.filter((d) => d.code === 'library/outside-root')).toHaveLength(2);
    // Names are looked up among scanned files only: `..` cannot reach outside the folders.
    expect(library.resolveLoraPath('../outside/secret')).toBeUndefined();
    expect(library.resolveComfyLora('../outside/secret.safetensors')).toBeUndefined();
    expect(library.resolveLora('secret')).toBeUndefined();
  });

  it.each([
    ['SDXL', 'sdxl', 'user-metadata', 'SDXL'],
    ['Unknown', 'sd1', 'modelspec', 'Unknown'],
    ['sdxl', 'sd1', 'modelspec', 'SD1'],
  ])('a user "sd version" of %s: base model %s (from %s), A1111 shows %s', async (version, baseModel, source, shown) => {
    const dir = await tempDir('sdversion');
    await writeLoraFixture(dir, { name: 'x', family: 'sd1', userMetadata: { 'sd version': version } });
    const [entry] = (await createLibrary({ loraDirs: [dir], cacheDir: false }).scan()).loras;
    expect([entry!.baseModel, entry!.baseModelSource, entry!.a1111Version]).toEqual([baseModel, source, shown]);
  });

  it.each(['kohya', 'locon', 'loha', 'lokr', 'dora'] as const)('a %s file: the keys and the training metadata name the same algorithm', async (format) => {
    const dir = await tempDir(`algo-${format}`);
    await writeLoraFixture(dir, { name: 'x', family: 'sd1', format, rank: 2 });
    const [entry] = (await createLibrary({ loraDirs: [dir], cacheDir: false }).scan()).loras;
    expect(entry!.algorithm).toBe(format === 'kohya' ? 'lora' : format);
    expect(algorithmFromMetadata(entry!.metadata)).toBe(entry!.algorithm);
  });

  it('reports a bad sidecar and keeps the LoRA', async () => {
    const dir = await tempDir('sidecar');
    await writeLoraFixture(dir, { name: 'x', family: 'sd1' });
    await writeFile(path.join(dir, 'x.json'), '{"activation text": "a", ');
    await writeFile(path.join(dir, 'x.civitai.info'), '[]');
    const library = createLibrary({ loraDirs: [dir], cacheDir: false });
    const [entry] = (await library.scan()).loras;
    expect(entry!.diagnostics.map((d) => [d.code, d.message.split(':')[0]])).toEqual([
      ['library/bad-sidecar', 'x.json'], ['library/bad-sidecar', 'x.civitai.info'],
    ]);
  });

  it('reports a missing configured folder and a missing install root', async () => {
    const library = createLibrary({ loraDirs: ['/nonexistent/loras'], a1111Root: '/nonexistent/webui', cacheDir: false });
    const result = await library.scan();
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['library/missing-folder', 'error'], ['library/missing-folder', 'warning'],
    ]);
  });

  it('warns when an install root has no LoRA folder', async () => {
    const root = await tempDir('not-an-install');
    const result = await createLibrary({ comfyuiRoot: root, cacheDir: false }).scan();
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([
      ['library/missing-folder', 'warning', `no models/loras folder under ${root}: is this the ComfyUI install folder?`],
    ]);
  });

  it('does not list an embeddings folder nested in the LoRA folder as LoRAs when both are configured', async () => {
    const dir = await tempDir('nested');
    await writeLoraFixture(dir, { name: 'style', family: 'sd1' });
    await writeEmbeddingFixture(path.join(dir, 'embeddings'), 'neg', 'sd1', 2);
    const both = createLibrary({ loraDirs: [dir], embeddingDirs: [path.join(dir, 'embeddings')], cacheDir: false });
    const result = await both.scan();
    expect(result.loras.map((entry) => entry.name)).toEqual(['style']);
    expect(result.embeddings.map((entry) => entry.name)).toEqual(['neg']);
    const lorasOnly = createLibrary({ loraDirs: [dir], cacheDir: false });
    const mixed = await lorasOnly.scan();
    expect(mixed.loras.find((entry) => entry.name === 'neg')?.diagnostics[0]?.code).toBe('library/not-a-lora');
  });

  it('finds a ComfyUI install layout and resolves ComfyUI names with sub-folders', async () => {
    const root = await tempDir('comfy');
    await writeLoraFixture(path.join(root, 'models', 'loras'), { name: 'ink', subdir: 'styles', family: 'sdxl', format: 'peft', metadata: 'none' });
    await mkdir(path.join(root, 'models', 'embeddings'), { recursive: true });
    const library = createLibrary({ comfyuiRoot: root, cacheDir: false });
    const result = await library.scan();
    expect(result.loras.map((entry) => [entry.relativePath, entry.baseModel, entry.baseModelSource, entry.keyFormat])).toEqual([
      ['styles/ink.safetensors', 'sdxl', 'keys', 'peft'],
    ]);
    expect(library.resolveComfyLora('styles\\ink.safetensors')?.name).toBe('ink');
    expect(library.resolveLora('ink')?.relativePath).toBe('styles/ink.safetensors');
  });
});
