/** `sdprompt tokens` run in-process, with the contract of issue 3. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadVectors, sharedGzip } from './shared.js';

const emptyHome = mkdtempSync(path.join(tmpdir(), 'sdprompt-tokens-cli-'));
afterAll(() => rmSync(emptyHome, { recursive: true, force: true }));

async function run(argv: string[], stdin = '', env: NodeJS.ProcessEnv = { SDPROMPT_CLIP_VOCAB: sharedGzip }) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk) => out.push(String(chunk)));
  stderr.on('data', (chunk) => err.push(String(chunk)));
  const code = await main(['node', 'sdprompt', ...argv], {
    stdout,
    stderr,
    stdin: Readable.from([stdin]),
    cwd: emptyHome,
    env: { HOME: emptyHome, ...env },
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function jsonLines(text: string): unknown[] {
  return text.trim().split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('sdprompt tokens --ids --jsonl', () => {
  it('writes {"ids"} per {"text"} line for each front-end', async () => {
    const vectors = loadVectors();
    const input = vectors.map((v) => JSON.stringify({ text: v.text })).join('\n') + '\n';
    for (const [frontEnd, key] of [['a1111', 'ids_hf_ftfy'], ['comfyui', 'ids_hf_no_ftfy'], ['openai', 'ids']] as const) {
      const result = await run(['tokens', '--ids', '--front-end', frontEnd, '--jsonl'], input);
      expect(result.code).toBe(0);
      expect(jsonLines(result.stdout)).toEqual(vectors.map((v) => ({ ids: v[key] ?? v.ids })));
    }
  });

  it('keeps output lines aligned with a bad input line', async () => {
    const result = await run(['tokens', '--ids', '--jsonl'], '{"text":"a"}\n{"nope":1}\n{"text":"b"}\n');
    const lines = jsonLines(result.stdout) as Array<Record<string, unknown>>;
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ ids: [320] });
    expect(lines[1]!.error).toMatch(/line 2.*"text"/);
    expect(lines[2]).toEqual({ ids: [321] });
  });

  it('exits 2 with one clear message when there is no vocabulary', async () => {
    const result = await run(['tokens', '--ids', '--jsonl'], '{"text":"a"}\n', {});
    if (result.code === 0) return expect.fail('a vocabulary was found on this machine: the no-vocabulary path is untested');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^sdprompt: no CLIP vocabulary found, and exact token ids cannot be estimated/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('takes the vocabulary from sdprompt.config.json (tokenizer.vocab)', async () => {
    writeFileSync(path.join(emptyHome, 'sdprompt.config.json'), JSON.stringify({ root: true, tokenizer: { vocab: sharedGzip } }));
    try {
      const result = await run(['tokens', '--ids', '--jsonl'], '{"text":"a photo of a cat"}\n', {});
      expect(result.stderr).toBe('');
      expect(jsonLines(result.stdout)).toEqual([{ ids: [320, 1125, 539, 320, 2368] }]);
    } finally {
      rmSync(path.join(emptyHome, 'sdprompt.config.json'));
    }
  });

  it('rejects an unknown front-end and a missing --vocab path', async () => {
    expect((await run(['tokens', '--ids', '--front-end', 'bert', '--jsonl'])).stderr).toMatch(/--front-end must be one of/);
    const missing = await run(['tokens', '--ids', '--jsonl', '--vocab', 'nowhere.gz'], '{"text":"a"}\n');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere\.gz: no such file/);
  });
});

describe('sdprompt tokens --engine --jsonl', () => {
  it('shows A1111 counts with the AND/schedule maximum and the first part chunks', async () => {
    const long = Array.from({ length: 80 }, () => 'a').join(' ');
    const input = [
      { prompt: 'a BREAK b' },
      { prompt: '' },
      { prompt: `cat AND ${long}` },
      { prompt: `[${long}:cat:5]`, steps: 20 },
      { prompt: '<lora:x:0.5> (cat:1.2), dog' },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n');
    const result = await run(['tokens', '--engine', 'a1111', '--jsonl'], input);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout) as Array<{ count: number; target: number; chunks: number[][] }>;
    expect(lines[0]).toEqual({ count: 76, target: 150, chunks: [[320], [321]] });
    expect(lines[1]).toEqual({ count: 0, target: 75, chunks: [[]] });
    // The counter is the longest AND part, the chunks are the first part's.
    expect(lines[2]!.count).toBe(80);
    expect(lines[2]!.target).toBe(150);
    expect(lines[2]!.chunks).toEqual([[2368]]);
    // Steps 1-4 use the long text, then "cat": first step is the long one, the maximum too.
    expect(lines[3]!.count).toBe(80);
    expect(lines[3]!.chunks.map((c) => c.length)).toEqual([75, 5]);
    // The LoRA tag counts nothing; emphasis is stripped before tokenizing.
    expect(lines[4]).toEqual({ count: 3, target: 75, chunks: [[2368, 267, 1929]] });
  });

  it('answers {"error"} for a prompt A1111 itself cannot read, and exit 1 in the human view', async () => {
    const result = await run(['tokens', '--engine', 'a1111', '--jsonl'], '{"prompt":"(a:1..2) b"}\n{"prompt":"b"}\n');
    const lines = jsonLines(result.stdout) as Array<Record<string, unknown>>;
    expect(lines[0]!.error).toMatch(/line 1: .*1\.\.2/);
    expect(lines[1]).toEqual({ count: 1, target: 75, chunks: [[321]] });
    const human = await run(['tokens', '-'], '(a:1..2) b');
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/A1111 cannot read this prompt/);
  });

  it("gives ComfyUI's chunks as [id, weight] pairs (BREAK is text) with A1111's counter", async () => {
    const input = ['{"prompt":"(cat:1.2) BREAK"}', '{"prompt":"a BREAK b"}', '{"prompt":"(a:1..2)"}'].join('\n');
    const lines = jsonLines((await run(['tokens', '--engine', 'comfyui', '--jsonl'], input)).stdout);
    // A1111: "cat" then BREAK closes a chunk that counts 75, and nothing follows.
    expect(lines[0]).toEqual({ count: 75, target: 75, chunks: [[[2368, 1.2], [2568, 1]]] });
    expect(lines[1]).toEqual({ count: 76, target: 150, chunks: [[[320, 1], [2568, 1], [321, 1]]] });
    // A1111 cannot read it, ComfyUI can: ComfyUI's own count, and the reason.
    expect(lines[2]).toMatchObject({ count: 5, target: 75, a1111Error: expect.stringMatching(/1\.\.2/) });
  });
});

describe('sdprompt tokens FILE', () => {
  it('shows the counter and where each chunk ends', async () => {
    const file = path.join(emptyHome, 'prompt.txt');
    writeFileSync(file, 'masterpiece, best quality BREAK\nred hair\n');
    const result = await run(['tokens', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('77/150');
    expect(result.stdout).toMatch(/chunk 1: 4 tokens, ends at 1:25 after "masterpiece, best quality"/);
    expect(result.stdout).toMatch(/chunk 2: 2 tokens, ends at 2:8 after "red hair"/);
  });

  it('shows every prompt of a .sdprompt file with chunk ends in file lines', async () => {
    const file = path.join(emptyHome, 'house.sdprompt');
    const long = Array.from({ length: 76 }, () => 'a').join(' ');
    writeFileSync(file, `@prompt house\n<lora:x:0.5> a house\n@negative\nblurry\n\n@prompt long\n${long}\n`);
    const result = await run(['tokens', file]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/house\.sdprompt:1 prompt house \(positive\): 2\/75 \(A1111 token counter\), 1 chunk$/);
    expect(lines[1]).toMatch(/chunk 1: 2 tokens, ends at 2:20 after "<lora:x:0\.5> a house"/);
    expect(lines[2]).toMatch(/prompt house \(negative\): 1\/75/);
    expect(lines[4]).toMatch(/house\.sdprompt:6 prompt long \(positive\): 76\/150/);
    expect(lines[5]).toMatch(/chunk 1: 75 tokens, ends at 7:149 after/);
    expect(lines[6]).toMatch(/chunk 2: 1 token, ends at 7:151 after/);
  });

  it('counts a negative prompt without the AND split, as A1111 does', async () => {
    const file = path.join(emptyHome, 'negative.sdprompt');
    writeFileSync(file, '@prompt p\na AND b c\n@negative\nblurry AND ugly AND bad hands\n');
    const lines = (await run(['tokens', file])).stdout.trim().split('\n');
    expect(lines[0]).toMatch(/\(positive\): 2\/75/);
    expect(lines[2]).toMatch(/\(negative\): 6\/75/);
    expect(lines[3]).toMatch(/chunk 1: 6 tokens, ends at 4:29 after "blurry AND ugly AND bad hands"/);
  });

  it("follows a .sdprompt prompt's engine parameter unless --engine overrides it", async () => {
    const file = path.join(emptyHome, 'engine.sdprompt');
    writeFileSync(file, '@prompt p\na BREAK b\n@params\nengine: comfyui\n');
    expect((await run(['tokens', file])).stdout).toMatch(/prompt p \(positive\): 3 tokens in 1 ComfyUI chunk$/m);
    expect((await run(['tokens', file, '--engine', 'a1111'])).stdout).toMatch(/76\/150 \(A1111 token counter\), 2 chunks/);
  });

  it('refuses to estimate ids (--ids) without a vocabulary', async () => {
    const result = await run(['tokens', '--ids', '-'], 'a cat', {});
    if (result.code === 0) return expect.fail('a vocabulary was found on this machine: the no-vocabulary path is untested');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('finds the vocabulary in a --comfyui-root (repeatable, before the file argument)', async () => {
    const { mkdirSync, copyFileSync } = await import('node:fs');
    const root = path.join(emptyHome, 'ComfyUI');
    mkdirSync(path.join(root, 'comfy', 'sd1_tokenizer'), { recursive: true });
    // A .gz in the tokenizer folder is accepted as well as vocab.json + merges.txt.
    copyFileSync(sharedGzip, path.join(root, 'comfy', 'sd1_tokenizer', 'bpe_simple_vocab_16e6.txt.gz'));
    const file = path.join(emptyHome, 'cat.txt');
    writeFileSync(file, 'a cat');
    const result = await run(['tokens', '--comfyui-root', path.join(emptyHome, 'none'), '--comfyui-root', root, file], '', {});
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/cat\.txt: 2\/75 \(A1111 token counter\), 1 chunk/);
  });

  it('estimates without a vocabulary, says so once, and marks every count', async () => {
    const result = await run(['tokens', '-'], 'a photo of a cat', {});
    if (result.stderr === '') return expect.fail('a vocabulary was found on this machine: the estimate path is untested');
    expect(result.code).toBe(0);
    expect(result.stderr.match(/no CLIP vocabulary found/g)).toHaveLength(1);
    expect(result.stdout).toMatch(/~5\/75/);
    expect(result.stdout).toContain('estimated');
  });
});
