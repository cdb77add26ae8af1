import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLibrary, parseWildcardFile, validateLibraryOptions, folderSources } from '../../src/library/index.js';
import { findPreview, previewIndex } from '../../src/library/sidecars.js';

describe('wildcard files as dynamicprompts reads them', () => {
  it.each([
    ['colors.txt', '# colours\nred\n\n  blue  \n#green\ncyan # not a comment\n', [{ name: 'colors', values: ['red', 'blue', 'cyan # not a comment'] }]],
    ['sub/dir/animals.txt', 'cat\r\ndog\r\n', [{ name: 'sub/dir/animals', values: ['cat', 'dog'] }]],
    ['list.yaml', '- a\n- b\n', [{ name: 'list', values: ['a', 'b'] }]],
    ['art.yaml', 'art:\n  oil: [rembrandt, vermeer]\n  ink:\n    - hokusai\nstyle: [flat]\n', [
      { name: 'art/oil', values: ['rembrandt', 'vermeer'] }, { name: 'art/ink', values: ['hokusai'] }, { name: 'style', values: ['flat'] },
    ]],
    ['nested/c.json', '{"people": {"painters": ["a", "b"]}}', [{ name: 'nested/people/painters', values: ['a', 'b'] }]],
    ['weighted.yaml', 'w:\n  - 2::heavy\n  - {x: 1}\n  - 3\n', [{ name: 'w', values: ['2::heavy', '{"x":1}', '3'] }]],
  ])('%s', (file, text, expected) => {
    expect(parseWildcardFile(file, text)).toEqual({ wildcards: expected });
  });

  it.each([
    ['bad.yaml', 'a: [b\n', /not valid YAML/],
    ['bad.json', '{"a": ', /not valid JSON/],
    ['scalar.yaml', 'just text', /neither a list nor a mapping/],
  ])('%s is a problem, not an exception', (file, text, problem) => {
    expect(parseWildcardFile(file, text).problem).toMatch(problem);
  });

  it('indexes a wildcards folder, skipping .yml and reporting broken files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-wild-'));
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'colors.txt'), 'red\nblue\n');
    await writeFile(path.join(dir, 'sub', 'more.json'), '["x"]');
    await writeFile(path.join(dir, 'ignored.yml'), '- a\n');
    await writeFile(path.join(dir, 'broken.yaml'), 'a: [\n');
    const library = createLibrary({ wildcardDirs: [dir], cacheDir: false });
    const result = await library.scan();
    expect(result.wildcards.map((entry) => [entry.name, entry.format])).toEqual([['colors', 'txt'], ['sub/more', 'json']]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['library/bad-wildcard']);
    expect(library.matchWildcards('**').map((entry) => entry.name)).toEqual(['colors', 'sub/more']);
    expect(library.matchWildcards('col*').map((entry) => entry.name)).toEqual(['colors']);
    expect(library.resolveWildcard('sub/more')?.values).toEqual(['x']);
  });
});

describe('LibraryOptions validation', () => {
  it('accepts a full, valid object', () => {
    const options = {
      loraDirs: ['a', 'b'], embeddingDirs: ['e'], wildcardDirs: ['w'], checkpointDirs: ['c'], a1111Root: '/webui',
      comfyuiRoot: '/comfy', engines: ['http://127.0.0.1:7860', { url: 'http://127.0.0.1:8188', kind: 'comfyui' }],
      engineUrl: 'http://localhost:7861', engineTimeoutMs: 2000, cacheDir: false, baseDir: '/x',
    };
    expect(validateLibraryOptions(options)).toEqual({ ok: true, options });
  });

  it('lists every problem with its path', () => {
    const result = validateLibraryOptions({
      loraDirs: 'x', embeddingDirs: [''], engines: ['ftp://x', { url: 'http://a', kind: 'invoke' }], engineTimeoutMs: -1,
      cacheDir: 3, lorDirs: [], engineUrl: 'nope',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual([
      'lorDirs', 'loraDirs', 'embeddingDirs.0', 'cacheDir', 'engineTimeoutMs', 'engines.0', 'engines.1.kind', 'engineUrl',
    ]);
    expect(validateLibraryOptions(null)).toEqual({ ok: false, problems: [{ path: '', message: 'library options must be an object' }] });
  });

  it('auto-detects only the install sub-folders that exist, explicit folders first', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-root-'));
    await mkdir(path.join(root, 'models', 'Lora'), { recursive: true });
    await mkdir(path.join(root, 'embeddings'));
    const sources = folderSources({ loraDirs: ['extra'], a1111Root: root, baseDir: '/base' });
    expect(sources).toEqual([
      { kind: 'lora', root: '/base/extra', origin: 'option' },
      { kind: 'lora', root: path.join(root, 'models', 'Lora'), origin: 'a1111-root' },
      { kind: 'embedding', root: path.join(root, 'embeddings'), origin: 'a1111-root' },
    ]);
  });
});

describe('preview images (find_preview order)', () => {
  it.each([
    [['a.png', 'a.preview.png'], 'a.png'],
    [['a.preview.png', 'a.jpg'], 'a.preview.png'],
    [['a.webp', 'a.preview.jpeg'], 'a.preview.jpeg'],
    [['a.gif'], 'a.gif'],
    [['a.bmp', 'a.txt', 'b.png'], undefined],
    [['a.b.png', 'a.png.preview.png'], undefined],
  ])('%j → %s, by index and by lookup alike', (names, expected) => {
    expect(findPreview('a', new Set(names))).toBe(expected);
    expect(previewIndex(names).get('a')).toBe(expected);
  });
});
