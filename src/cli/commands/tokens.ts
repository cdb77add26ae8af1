/**
 * `sdprompt tokens`: CLIP token ids, counts and chunk boundaries (docs/tokenizer.md).
 *
 *   sdprompt tokens FILE|-                       where each chunk ends, with A1111's "n/target" counter
 *   sdprompt tokens --ids --front-end F --jsonl  {"text"} lines → {"ids": […]} (no BOS/EOS)
 *   sdprompt tokens --engine E --jsonl           {"prompt", "steps"?} lines → {"count", "target", "chunks"}
 *
 * The jsonl modes are an exact contract and fail (exit 2) without a vocabulary; the human view falls
 * back to an estimate marked with `~`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT_PROBLEMS, mapJsonLines, readAll, type CliContext } from '../context.js';
import type { EngineKind, ResolvedPrompt } from '../../semantics/model.js';
import type { PromptChunk, PromptTokenCounter } from '../../tokenizer/index.js';

interface TokensOptions {
  ids?: boolean;
  frontEnd?: string;
  engine?: string;
  jsonl?: boolean;
  vocab?: string;
  steps?: string;
  comfyuiRoot?: string[];
  backtrack?: string;
}

const FRONT_ENDS = ['a1111', 'comfyui', 'openai'] as const;
const ENGINES = ['a1111', 'comfyui'] as const;
const DEFAULT_STEPS = 20;

export function registerTokens(program: Command, context: CliContext): void {
  program
    .command('tokens')
    .description('Count CLIP tokens and show where A1111/ComfyUI chunks end (docs/tokenizer.md)')
    .argument('[file]', 'a .sdprompt file, a plain prompt text file, or - for standard input')
    .option('--ids', 'print token ids (no BOS/EOS) instead of chunks')
    .option('--front-end <name>', `text cleaning: ${FRONT_ENDS.join(', ')} (default: the engine's)`)
    .option('--engine <name>', `chunking rules: ${ENGINES.join(', ')} (default: a .sdprompt prompt's engine, else a1111)`)
    .option('--jsonl', 'read JSON lines on stdin, write one JSON line per input')
    .option('--vocab <path>', 'CLIP vocabulary: a folder, vocab.json/merges.txt or bpe_simple_vocab_16e6.txt.gz')
    .option('--steps <n>', 'sampling steps for prompt-editing schedules', String(DEFAULT_STEPS))
    .option(
      '--comfyui-root <dir>',
      'a ComfyUI installation to search for comfy/sd1_tokenizer (repeatable)',
      (dir: string, dirs: string[] = []) => [...dirs, dir],
    )
    .option('--backtrack <n>', "A1111's comma_padding_backtrack (0-74)", '20')
    .action(async (file: string | undefined, options: TokensOptions) => {
      context.exitCode = await runTokens(file, options, context);
    });
}

function choice<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
  }
  return value as T;
}

function integer(value: string | undefined, flag: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new CliError(`${flag} must be an integer from ${min} to ${max} (got '${value}')`);
  }
  return parsed;
}

async function runTokens(file: string | undefined, options: TokensOptions, context: CliContext): Promise<number> {
  const api = await import('../../tokenizer/index.js');
  const frontEnd = choice(options.frontEnd, FRONT_ENDS, '--front-end');
  const engine = choice(options.engine, ENGINES, '--engine') ?? 'a1111';
  const steps = integer(options.steps, '--steps', 1, 10_000);
  const backtrack = integer(options.backtrack, '--backtrack', 0, 74);
  if (options.jsonl && file !== undefined) throw new CliError('--jsonl reads standard input: give no file with it');

  // The config file is read only when neither --vocab nor SDPROMPT_CLIP_VOCAB names a vocabulary.
  const direct = options.vocab ?? (context.env[api.VOCABULARY_ENV] || undefined);
  const configured = direct === undefined ? await configuredPaths(file, context) : {};
  const explicitPath = direct ?? configured.vocab;
  let discovery: ReturnType<typeof api.discoverVocabulary>;
  try {
    discovery = api.discoverVocabulary({
      explicitPath,
      comfyuiRoots: [...(options.comfyuiRoot ?? []), ...(configured.comfyuiRoot ? [configured.comfyuiRoot] : [])],
      env: context.env,
      cwd: context.cwd,
    });
  } catch (error) {
    throw new CliError(`CLIP vocabulary: ${error instanceof Error ? error.message : String(error)}`);
  }
  const tokenizer = discovery.vocabulary ? new api.ClipTokenizer(discovery.vocabulary) : undefined;
  if ((options.jsonl || options.ids) && tokenizer === undefined) {
    // Exact ids (and the jsonl contract) cannot be estimated.
    throw new CliError(api.missingVocabularyMessage(discovery, { exact: true }));
  }

  if (options.jsonl && options.ids) {
    const chosen = frontEnd ?? engine;
    await mapJsonLines(context, (input) => {
      const text = field(input, 'text');
      return { ids: tokenizer!.encode(text, chosen) };
    });
    return 0;
  }

  const counter = new api.PromptTokenCounter(tokenizer, { commaPaddingBacktrack: backtrack });
  const { conditionA1111 } = await import('../../semantics/a1111/index.js');

  if (options.jsonl) {
    await mapJsonLines(context, (input) => {
      const prompt = field(input, 'prompt');
      const stepsValue = (input as { steps?: unknown }).steps;
      const lineSteps = stepsValue === undefined ? steps : stepsValue;
      if (typeof lineSteps !== 'number' || !Number.isInteger(lineSteps) || lineSteps < 1) {
        throw new Error('"steps" must be a positive integer');
      }
      const conditioning = conditionA1111(prompt, { steps: lineSteps });
      if (engine === 'comfyui') {
        // count/target stay A1111's counter (the contract); the chunks are ComfyUI's own. When A1111
        // cannot read the prompt (ComfyUI can), the count falls back to ComfyUI's chunks and says why.
        const chunking = counter.comfy(prompt);
        const chunks = chunking.chunks.map((chunk) => chunk.tokens.map((token) => [token.id, token.weight]));
        if (conditioning.error !== undefined) {
          return { count: chunking.tokenCount, target: chunking.target, chunks, a1111Error: conditioning.error };
        }
        const count = counter.a1111(conditioning);
        return { count: count.count, target: count.target, chunks };
      }
      // A1111 itself fails on such a prompt (e.g. float('1..2')): its counter shows no number either.
      if (conditioning.error !== undefined) throw new Error(conditioning.error);
      const count = counter.a1111(conditioning);
      return {
        count: count.count,
        target: count.target,
        chunks: count.first.chunks.map((chunk) => chunk.tokens.map((token) => token.id)),
      };
    });
    return 0;
  }

  if (tokenizer === undefined) context.stderr.write(`sdprompt: ${api.missingVocabularyMessage(discovery)}\n`);
  const name = file === undefined || file === '-' ? '<stdin>' : file;
  const text = file === undefined || file === '-' ? await readAll(context.stdin) : await readPrompt(file, context);
  // A prompt file's final newline is not part of the prompt.
  const prompt = text.replace(/\r?\n$/, '');

  if (options.ids) {
    context.stdout.write(`${JSON.stringify(tokenizer!.encode(prompt, frontEnd ?? engine))}\n`);
    return 0;
  }
  if (file !== undefined && file.endsWith('.sdprompt')) {
    context.stdout.write(await renderPromptFile(name, text, path.resolve(context.cwd, file), counter, options.engine === undefined ? undefined : engine));
    return 0;
  }
  const view = { text: prompt, toDocument: (offset: number) => offset };
  if (engine === 'comfyui') {
    const chunking = counter.comfy(prompt);
    context.stdout.write(renderChunks(`${name}:`, view, 'comfyui', chunking.tokenCount, chunking.target, chunking.chunks, chunking.approximate));
  } else {
    const conditioning = conditionA1111(prompt, { steps });
    if (conditioning.error !== undefined) {
      context.stderr.write(`${name}: A1111 cannot read this prompt, so it shows no token count: ${conditioning.error}\n`);
      return EXIT_PROBLEMS;
    }
    const count = counter.a1111(conditioning);
    context.stdout.write(renderChunks(`${name}:`, view, 'a1111', count.count, count.target, count.first.chunks, count.approximate));
  }
  return 0;
}

/**
 * A `.sdprompt` file: every prompt (positive and negative) with the counter of the engine it targets
 * (its `engine` parameter, else A1111 rules, unless --engine says otherwise), chunk ends in file lines.
 */
async function renderPromptFile(
  name: string,
  source: string,
  absolutePath: string,
  counter: PromptTokenCounter,
  engineOverride: EngineKind | undefined,
): Promise<string> {
  const { parse, analyze } = await import('../../index.js');
  const { negativeA1111Conditioning } = await import('../../tokenizer/index.js');
  const { readFileSync } = await import('node:fs');
  const parsed = parse(source);
  const model = analyze(parsed.ast, {
    path: absolutePath,
    readFile: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  let out = '';
  model.prompts.forEach((prompt, index) => {
    const engine = engineOverride ?? prompt.parameters.engine ?? 'a1111';
    const label = prompt.name ?? `#${index + 1}`;
    const sides: Array<[string, ResolvedPrompt | undefined]> = [
      ['positive', prompt.positive],
      ['negative', prompt.negative],
    ];
    for (const [role, resolved] of sides) {
      if (resolved === undefined) continue;
      const view = { text: source, toDocument: (offset: number) => resolved.sourceMap[offset] ?? offset };
      const header = `${name}:${prompt.node.range.start.line + 1} prompt ${label} (${role}):`;
      if (engine === 'comfyui') {
        const chunking = counter.comfy(resolved.text);
        out += renderChunks(header, view, 'comfyui', chunking.tokenCount, chunking.target, chunking.chunks, chunking.approximate);
      } else {
        const conditioning = role === 'negative' ? negativeA1111Conditioning(resolved, prompt.parameters.steps) : resolved.a1111;
        if (conditioning.error !== undefined) {
          out += `${header} A1111 cannot read this prompt, so it shows no token count: ${conditioning.error}\n`;
          continue;
        }
        const count = counter.a1111(conditioning);
        out += renderChunks(header, view, 'a1111', count.count, count.target, count.first.chunks, count.approximate);
      }
    }
  });
  return out === '' ? `${name}: no prompts\n` : out;
}

/** `tokenizer.vocab` and `library.comfyuiRoot` from sdprompt.config.json (docs/configuration.md). */
async function configuredPaths(file: string | undefined, context: CliContext): Promise<{ vocab?: string; comfyuiRoot?: string }> {
  const { ConfigLoader } = await import('../../config/index.js');
  const target = file !== undefined && file !== '-' ? path.resolve(context.cwd, file) : path.join(context.cwd, 'stdin.sdprompt');
  try {
    const resolved = new ConfigLoader().forFile(target);
    return { vocab: resolved.tokenizer.vocab, comfyuiRoot: resolved.library.comfyuiRoot };
  } catch (error) {
    throw new CliError(`configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function field(input: unknown, key: string): string {
  const value = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string') throw new Error(`expected an object with a string "${key}"`);
  return value;
}

async function readPrompt(file: string, context: CliContext): Promise<string> {
  try {
    return await readFile(path.resolve(context.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot read'}`);
  }
}

function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}

/** The human view: the counter, then each chunk with the place its last token came from. */
function renderChunks(
  header: string,
  view: { text: string; toDocument: (offset: number) => number },
  engine: 'a1111' | 'comfyui',
  count: number,
  target: number,
  chunks: readonly PromptChunk[],
  approximate: boolean,
): string {
  const mark = approximate ? '~' : '';
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  // "n/target" is A1111's display; ComfyUI shows no counter, so its view says what it fills.
  const summary =
    engine === 'a1111'
      ? `${mark}${count}/${target} (A1111 token counter), ${plural(chunks.length, 'chunk')}`
      : `${mark}${plural(chunks.reduce((sum, chunk) => sum + chunk.tokens.length, 0), 'token')} in ${plural(chunks.length, 'ComfyUI chunk')}`;
  const lines = [`${header} ${summary}${approximate ? ', estimated' : ''}`];
  chunks.forEach((chunk, index) => {
    if (chunk.tokens.length === 0) {
      lines.push(`  chunk ${index + 1}: empty`);
      return;
    }
    const size = `${mark}${chunk.tokens.length} token${chunk.tokens.length === 1 ? '' : 's'}`;
    const lastChar = view.toDocument(Math.max(...chunk.tokens.map((token) => token.end)) - 1);
    const end = lastChar + 1;
    // The words that end the chunk, from the same line only.
    const lineStart = view.text.lastIndexOf('\n', lastChar) + 1;
    const from = Math.max(lineStart, end - 40);
    const excerpt = view.text.slice(from, end);
    lines.push(`  chunk ${index + 1}: ${size}, ends at ${lineColumn(view.text, lastChar)} after "${from > lineStart ? '…' : ''}${excerpt}"`);
  });
  return lines.join('\n') + '\n';
}
