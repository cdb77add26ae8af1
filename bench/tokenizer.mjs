/**
 * CLIP tokenizer speed and agreement (prints numbers; not a test). Run `npx tsc -p .` first, then
 * `node bench/tokenizer.mjs [path/to/bpe_simple_vocab_16e6.txt.gz]` (default: ../shared/data/clip/).
 *
 * Targets (issue 3), side by side in one run:
 * - identical ids to @huggingface/tokenizers (dev dependency, comparison only) fed the same vocabulary,
 *   on a corpus of realistic prompts where the front-ends agree, and at least 2× its speed;
 * - a 1,000-character prompt tokenized and chunked (A1111 rules) in < 0.3 ms after warm-up;
 * - vocabulary load < 150 ms.
 * The Hugging Face tokenizer.json is built in memory from the same .gz at bench time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { ClipTokenizer, chunkA1111, loadVocabulary, vocabularyFromGzip } from '../dist/tokenizer/index.js';
import { parsePromptAttention } from '../dist/semantics/a1111/attention.js';
import { median, random } from './lib.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const gzipPath = process.argv[2] ?? path.resolve(repoRoot, '../shared/data/clip/bpe_simple_vocab_16e6.txt.gz');
const gzip = readFileSync(gzipPath);

/** Wall time and this process's CPU time of fn() in ms (CPU time is what counts on a busy machine). */
function measure(fn) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000, value };
}

// ---- vocabulary load ---------------------------------------------------------------------------
const loads = [];
let vocabulary;
for (let i = 0; i < 7; i++) {
  const load = measure(() => vocabularyFromGzip(gzip, gzipPath));
  vocabulary = load.value;
  loads.push(load);
}
console.log(
  `vocabulary load: first ${loads[0].wall.toFixed(1)} ms wall / ${loads[0].cpu.toFixed(1)} ms CPU, ` +
    `median of 7 ${median(loads.map((l) => l.wall)).toFixed(1)} ms wall / ${median(loads.map((l) => l.cpu)).toFixed(1)} ms CPU (target < 150 ms)`,
);

// ---- the reference tokenizer, fed the same vocabulary --------------------------------------------
function huggingFaceTokenizer() {
  const vocab = {};
  vocabulary.tokens.forEach((token, id) => (vocab[token] = id));
  // Merge i produced token 512 + i (simple_tokenizer layout); recover its halves from the merge table.
  const merges = [];
  for (let id = 512; id < 49_406; id++) {
    const token = vocabulary.tokens[id];
    for (let cut = 1; cut < token.length; cut++) {
      const left = vocabulary.ids.get(token.slice(0, cut));
      const right = vocabulary.ids.get(token.slice(cut));
      if (left !== undefined && right !== undefined && vocabulary.merges.rank(left, right) === id - 512) {
        merges.push(`${token.slice(0, cut)} ${token.slice(cut)}`);
        break;
      }
    }
  }
  const special = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(49406, '<|startoftext|>'), special(49407, '<|endoftext|>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<|endoftext|>',
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      vocab,
      merges,
    },
  };
  const tokenizer = new Tokenizer(tokenizerJson, { bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>' });
  return { tokenizer, merges };
}

const buildStart = performance.now();
const { tokenizer: reference, merges } = huggingFaceTokenizer();

// The same vocabulary as a Hugging Face vocab.json + merges.txt pair (as in the HF cache or ComfyUI),
// written to a temp dir for this run only.
{
  const dir = mkdtempSync(path.join(tmpdir(), 'sdprompt-bench-vocab-'));
  const vocab = {};
  vocabulary.tokens.forEach((token, id) => (vocab[token] = id));
  writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(vocab));
  writeFileSync(path.join(dir, 'merges.txt'), ['#version: 0.2', ...merges].join('\n') + '\n');
  const pairLoads = [];
  for (let i = 0; i < 7; i++) {
    pairLoads.push(measure(() => loadVocabulary({ kind: 'explicit', vocabJson: path.join(dir, 'vocab.json'), mergesTxt: path.join(dir, 'merges.txt') })));
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `vocabulary load from vocab.json + merges.txt: median of 7 ${median(pairLoads.map((l) => l.wall)).toFixed(1)} ms wall / ` +
      `${median(pairLoads.map((l) => l.cpu)).toFixed(1)} ms CPU (target < 150 ms)`,
  );
}
console.log(`@huggingface/tokenizers built from the same vocabulary in ${(performance.now() - buildStart).toFixed(0)} ms`);
const ours = new ClipTokenizer(vocabulary, { frontEnd: 'a1111' });

// ---- a corpus of realistic prompts ---------------------------------------------------------------
const subjects = ['1girl', 'solo', 'a cat', 'an old man', 'a modern house', 'portrait of a woman', 'landscape', 'city street at night',
  'a dragon', 'still life with fruit', 'spaceship interior', 'forest clearing', 'mountain lake', 'cyberpunk samurai'];
const details = ['masterpiece', 'best quality', 'highly detailed', 'sharp focus', 'intricate details', 'volumetric lighting',
  'golden hour', 'depth of field', 'bokeh', '8k uhd', 'dslr', 'film grain', 'soft lighting', 'rim light', 'cinematic',
  'octane render', 'unreal engine 5', 'trending on artstation', 'by greg rutkowski', 'watercolor', 'oil painting',
  'long blonde hair', 'blue eyes', 'red dress', 'smiling', 'looking at viewer', 'upper body', 'outdoors', 'score_9',
  'score_8_up', "artist's impression", 'wide-angle lens', '35mm', 'f/1.8', 'photorealistic', 'hyper-realistic',
  'pastel colors', 'neon lights', 'rain', 'fog', 'snow', 'sunset', 'JL_sectionplan', 'ultra-detailed skin texture'];

function realisticPrompt(next) {
  const parts = [subjects[Math.floor(next() * subjects.length)]];
  const count = 6 + Math.floor(next() * 30);
  for (let i = 0; i < count; i++) {
    let tag = details[Math.floor(next() * details.length)];
    if (next() < 0.2) tag = tag.replace(/^\w/, (c) => c.toUpperCase());
    parts.push(tag);
  }
  return parts.join(next() < 0.8 ? ', ' : ',');
}

const next = random(3);
const corpus = Array.from({ length: 2000 }, () => realisticPrompt(next));
const corpusChars = corpus.reduce((sum, text) => sum + text.length, 0);

let mismatches = 0;
let tokens = 0;
for (const text of corpus) {
  const expected = reference.encode(text, { add_special_tokens: false }).ids;
  const actual = ours.encode(text);
  tokens += actual.length;
  if (expected.length !== actual.length || expected.some((id, i) => id !== actual[i])) {
    if (mismatches++ < 3) console.log(`  mismatch: ${JSON.stringify(text)}\n    hf:   ${expected}\n    ours: ${actual}`);
  }
}
console.log(`agreement: ${corpus.length - mismatches}/${corpus.length} prompts identical (${tokens} tokens, ${corpusChars} chars)`);

function timeCorpus(encode, rounds) {
  const times = [];
  for (let round = 0; round < rounds; round++) {
    times.push(
      measure(() => {
        for (const text of corpus) encode(text);
      }).cpu,
    );
  }
  return median(times);
}
// Warm both (JIT and their per-word caches), then alternate so machine load affects both alike.
timeCorpus((t) => reference.encode(t, { add_special_tokens: false }), 2);
timeCorpus((t) => ours.encode(t), 2);
const referenceTimes = [];
const ourTimes = [];
for (let i = 0; i < 5; i++) {
  referenceTimes.push(timeCorpus((t) => reference.encode(t, { add_special_tokens: false }), 1));
  ourTimes.push(timeCorpus((t) => ours.encode(t), 1));
}
const referenceMs = median(referenceTimes);
const ourMs = median(ourTimes);
console.log(
  `corpus encode (median of 5, CPU time): @huggingface/tokenizers ${referenceMs.toFixed(1)} ms, sdprompt ${ourMs.toFixed(1)} ms ` +
    `→ ${(referenceMs / ourMs).toFixed(2)}× (target ≥ 2×); ${((corpusChars / ourMs) * 1000 / 1e6).toFixed(1)} MB/s`,
);

// ---- a 1,000-character prompt, tokenized and chunked ---------------------------------------------
let longPrompt = '';
const nextLong = random(11);
while (longPrompt.length < 1000) {
  const tag = details[Math.floor(nextLong() * details.length)];
  const roll = nextLong();
  longPrompt += roll < 0.15 ? `(${tag}:1.2), ` : roll < 0.2 ? `[${tag}], ` : `${tag}, `;
}
longPrompt = longPrompt.slice(0, 1000);
const segments = parsePromptAttention(longPrompt);
const source = { approximate: false, encodeWithOffsets: (text, origins) => ours.encodeWithOffsets(text, origins) };
let result;
for (let i = 0; i < 2000; i++) result = chunkA1111(segments, source);
const chunkTimes = [];
for (let round = 0; round < 20; round++) {
  const run = measure(() => {
    for (let i = 0; i < 200; i++) result = chunkA1111(segments, source);
  });
  chunkTimes.push({ wall: run.wall / 200, cpu: run.cpu / 200 });
}
const withParseTimes = [];
for (let round = 0; round < 20; round++) {
  const run = measure(() => {
    for (let i = 0; i < 200; i++) result = chunkA1111(parsePromptAttention(longPrompt), source);
  });
  withParseTimes.push(run.cpu / 200);
}
console.log(
  `1,000-char prompt: tokenized + chunked in ${median(chunkTimes.map((t) => t.cpu)).toFixed(3)} ms CPU ` +
    `(${median(chunkTimes.map((t) => t.wall)).toFixed(3)} ms wall; target < 0.3 ms), ` +
    `${median(withParseTimes).toFixed(3)} ms CPU including parse_prompt_attention; ${result.tokenCount}/${result.target} tokens, ${result.chunks.length} chunks`,
);
console.log(`machine load average: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
