/**
 * Vocabulary discovery over temp dirs laid out like a Hugging Face cache, a ComfyUI root and a Python
 * venv, built at test time from the shared .gz (nothing is committed).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VocabularyError,
  discoverVocabulary,
  huggingFaceCaches,
  missingVocabularyMessage,
  vocabularyFromHuggingFace,
  type ClipVocabulary,
} from '../../src/tokenizer/index.js';
import { sharedGzip, sharedVocabulary } from './shared.js';

let root: string;

/** vocab.json + merges.txt as Hugging Face ships them, derived from the loaded .gz. */
function writeHuggingFacePair(dir: string, vocabulary: ClipVocabulary): void {
  mkdirSync(dir, { recursive: true });
  const vocab: Record<string, number> = {};
  vocabulary.tokens.forEach((token, id) => (vocab[token] = id));
  writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(vocab));
  const merges = ['#version: 0.2'];
  // Merge i produced token 512 + i; its halves are recovered by trying each split point.
  for (let id = 512; id < 49_406; id++) {
    const token = vocabulary.tokens[id]!;
    for (let cut = 1; cut < token.length; cut++) {
      const left = vocabulary.ids.get(token.slice(0, cut));
      const right = vocabulary.ids.get(token.slice(cut));
      if (left !== undefined && right !== undefined && vocabulary.merges.rank(left, right) === id - 512) {
        merges.push(`${token.slice(0, cut)} ${token.slice(cut)}`);
        break;
      }
    }
  }
  writeFileSync(path.join(dir, 'merges.txt'), merges.join('\n') + '\n');
}

function emptyHome(name: string): string {
  const home = path.join(root, name);
  mkdirSync(home, { recursive: true });
  return home;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'sdprompt-vocab-'));
  const vocabulary = sharedVocabulary();
  // HF cache: models--openai--clip-vit-large-patch14/{refs/main, snapshots/<rev>/…}
  const repository = path.join(root, 'hf', 'hub', 'models--openai--clip-vit-large-patch14');
  writeHuggingFacePair(path.join(repository, 'snapshots', 'abc123'), vocabulary);
  mkdirSync(path.join(repository, 'refs'), { recursive: true });
  writeFileSync(path.join(repository, 'refs', 'main'), 'abc123');
  // ComfyUI root.
  writeHuggingFacePair(path.join(root, 'ComfyUI', 'comfy', 'sd1_tokenizer'), vocabulary);
  // A1111 venv with open_clip.
  const site = path.join(root, 'webui', 'venv', 'lib', 'python3.10', 'site-packages', 'open_clip');
  mkdirSync(site, { recursive: true });
  copyFileSync(sharedGzip, path.join(site, 'bpe_simple_vocab_16e6.txt.gz'));
  // Broken files.
  mkdirSync(path.join(root, 'broken'), { recursive: true });
  writeFileSync(path.join(root, 'broken', 'vocab.json'), '{"a": 1}');
  writeFileSync(path.join(root, 'broken', 'merges.txt'), '#version: 0.2\na b\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('vocabulary discovery', () => {
  it('reads a Hugging Face vocab.json + merges.txt pair to the same vocabulary as the .gz', () => {
    const result = discoverVocabulary({ env: { HF_HOME: path.join(root, 'hf') }, home: emptyHome('h1') });
    expect(result.location?.kind).toBe('huggingface');
    expect(result.location?.vocabJson).toContain(path.join('snapshots', 'abc123'));
    const loaded = result.vocabulary!;
    expect(loaded.tokens).toEqual(sharedVocabulary().tokens);
    expect(loaded.merges.rank(loaded.ids.get('i')!, loaded.ids.get('n')!)).toBe(0);
  });

  it('follows the cache variables in order: HF_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME, ~/.cache', () => {
    expect(
      huggingFaceCaches({ HF_HUB_CACHE: '/x/hub', HF_HOME: '/y', XDG_CACHE_HOME: '/z' }, '/home/u'),
    ).toEqual([path.resolve('/x/hub'), path.resolve('/y/hub'), path.resolve('/z/huggingface/hub'), path.resolve('/home/u/.cache/huggingface/hub')]);
    const home = emptyHome('h2');
    const viaXdg = discoverVocabulary({ env: { XDG_CACHE_HOME: path.join(root, 'xdg') }, home });
    expect(viaXdg.vocabulary).toBeUndefined();
    const viaHubCache = discoverVocabulary({ env: { HF_HUB_CACHE: path.join(root, 'hf', 'hub') }, home });
    expect(viaHubCache.location?.kind).toBe('huggingface');
  });

  it('prefers a configured ComfyUI root over the HF cache', () => {
    const result = discoverVocabulary({
      comfyuiRoots: [path.join(root, 'ComfyUI')],
      env: { HF_HOME: path.join(root, 'hf') },
      home: emptyHome('h3'),
    });
    expect(result.location?.kind).toBe('comfyui');
    expect(result.location?.vocabJson).toBe(path.join(root, 'ComfyUI', 'comfy', 'sd1_tokenizer', 'vocab.json'));
  });

  it("finds open_clip's .gz in an A1111 venv", () => {
    const result = discoverVocabulary({ a1111Roots: [path.join(root, 'webui')], env: {}, home: emptyHome('h4') });
    expect(result.location).toEqual({ kind: 'python-package', gzip: expect.stringContaining('open_clip') });
    expect(result.vocabulary?.tokens.length).toBe(49_408);
  });

  it('takes an explicit path (option or SDPROMPT_CLIP_VOCAB) first: file, pair or directory', () => {
    const env = { HF_HOME: path.join(root, 'hf') };
    expect(discoverVocabulary({ explicitPath: sharedGzip, env }).location).toEqual({ kind: 'explicit', gzip: sharedGzip });
    expect(discoverVocabulary({ env: { ...env, SDPROMPT_CLIP_VOCAB: sharedGzip } }).location?.kind).toBe('explicit');
    const dir = path.join(root, 'ComfyUI', 'comfy', 'sd1_tokenizer');
    expect(discoverVocabulary({ explicitPath: dir, env }).location?.mergesTxt).toBe(path.join(dir, 'merges.txt'));
    expect(discoverVocabulary({ explicitPath: path.join(dir, 'merges.txt'), env }).location?.vocabJson).toBe(
      path.join(dir, 'vocab.json'),
    );
  });

  it('fails loudly on an explicit path that is missing or not a CLIP vocabulary', () => {
    expect(() => discoverVocabulary({ explicitPath: path.join(root, 'nope'), env: {} })).toThrow(/no such file/);
    expect(() => discoverVocabulary({ explicitPath: path.join(root, 'broken'), env: {} })).toThrow(VocabularyError);
  });

  it('rejects malformed vocab.json and merges.txt with a message naming the file', () => {
    const merges = '#version: 0.2\ni n\n';
    expect(() => vocabularyFromHuggingFace('[1, 2]', merges, 'v')).toThrow(/v: vocab.json is not an object/);
    expect(() => vocabularyFromHuggingFace('{"a": "x"}', merges, 'v')).toThrow(/v: vocab.json entry "a" has a bad id/);
    expect(() => vocabularyFromHuggingFace('{"a": 1, "b": 1}', merges, 'v')).toThrow(/bad id 1/);
    expect(() => vocabularyFromHuggingFace('{"a": 1}', 'i n\n', 'v')).toThrow(/#version/);
    expect(() => vocabularyFromHuggingFace('{"a": 1}', merges, 'v')).toThrow(/only 1 merges/);
  });

  it('rejects a broken candidate with a reason and keeps searching', () => {
    const brokenRoot = path.join(root, 'broken-comfy');
    const tokenizerDir = path.join(brokenRoot, 'comfy', 'sd1_tokenizer');
    mkdirSync(tokenizerDir, { recursive: true });
    copyFileSync(path.join(root, 'broken', 'vocab.json'), path.join(tokenizerDir, 'vocab.json'));
    copyFileSync(path.join(root, 'broken', 'merges.txt'), path.join(tokenizerDir, 'merges.txt'));
    const result = discoverVocabulary({ comfyuiRoots: [brokenRoot], env: { HF_HOME: path.join(root, 'hf') }, home: emptyHome('h6') });
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toContain(tokenizerDir);
    expect(result.location?.kind).toBe('huggingface');
  });

  it('reports nothing found with one clear message listing how to fix it', () => {
    const result = discoverVocabulary({ env: {}, home: emptyHome('h7') });
    if (result.vocabulary !== undefined) {
      // The machine itself has a vocabulary in a system site-packages: discovery is then right to use it.
      expect(result.location?.kind).toBe('python-package');
      return;
    }
    expect(result.searched.length).toBeGreaterThan(0);
    expect(missingVocabularyMessage(result)).toMatch(/no CLIP vocabulary found.*approximate/);
    expect(missingVocabularyMessage(result)).toContain('SDPROMPT_CLIP_VOCAB');
  });
});
