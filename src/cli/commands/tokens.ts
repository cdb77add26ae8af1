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
import { CliError, mapJsonLines, readAll, type CliContext } from '../context.js';
import type { A1111Conditioning } from '../../semantics/model.js';
import type { PromptChunk } from '../../tokenizer/index.js';

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

type ConditionA1111 = (text: string, options: { steps: number; hiresSteps?: number | null }) => A1111Conditioning;

export function registerTokens(program: Command, context: CliContext): void {
  program
    .command('tokens')
    .description('Count CLIP tokens and show where A1111/ComfyUI chunks end (docs/tokenizer.md)')
    .argument('[file]', 'a prompt text file, or - for standard input')
    .option('--ids', 'print token ids (no BOS/EOS) instead of chunks')
    .option('--front-end <name>', `text cleaning: ${FRONT_ENDS.join(', ')} (default: the engine's)`)
    .option('--engine <name>', `chunking rules: ${ENGINES.join(', ')}`, 'a1111')
    .option('--jsonl', 'read JSON lines on stdin, write one JSON line per input')
    .option('--vocab <path>', 'CLIP vocabulary: a folder, vocab.json/merges.txt or bpe_simple_vocab_16e6.txt.gz')
    .option('--steps <n>', 'sampling steps for prompt-editing schedules', String(DEFAULT_STEPS))
    .option('--comfyui-root <dir...>', 'ComfyUI installations to search for comfy/sd1_tokenizer')
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

async function loadConditionA1111(): Promise<ConditionA1111> {
  // Loaded lazily (and by a computed path, so this command builds while the semantics stage grows).
  const specifier = '../../semantics/a1111/index.js';
  const module = (await import(specifier)) as { conditionA1111?: ConditionA1111 };
  if (typeof module.conditionA1111 !== 'function') {
    throw new CliError('internal error: the A1111 prompt semantics (conditionA1111) are not available in this build');
  }
  return module.conditionA1111;
}

async function runTokens(file: string | undefined, options: TokensOptions, context: CliContext): Promise<number> {
  const api = await import('../../tokenizer/index.js');
  const frontEnd = choice(options.frontEnd, FRONT_ENDS, '--front-end');
  const engine = choice(options.engine, ENGINES, '--engine') ?? 'a1111';
  const steps = integer(options.steps, '--steps', 1, 10_000);
  const backtrack = integer(options.backtrack, '--backtrack', 0, 74);
  if (options.jsonl && file !== undefined) throw new CliError('--jsonl reads standard input: give no file with it');

  const configured = await configuredPaths(file, context);
  const explicitPath = options.vocab ?? (context.env[api.VOCABULARY_ENV] || configured.vocab);
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
  if (options.jsonl && tokenizer === undefined) {
    // An exact contract cannot be estimated.
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
  const conditionA1111 = engine === 'a1111' ? await loadConditionA1111() : undefined;

  if (options.jsonl) {
    await mapJsonLines(context, (input) => {
      const prompt = field(input, 'prompt');
      const stepsValue = (input as { steps?: unknown }).steps;
      const lineSteps = stepsValue === undefined ? steps : stepsValue;
      if (typeof lineSteps !== 'number' || !Number.isInteger(lineSteps) || lineSteps < 1) {
        throw new Error('"steps" must be a positive integer');
      }
      if (engine === 'comfyui') {
        const chunking = counter.comfy(prompt);
        return {
          count: chunking.tokenCount,
          target: chunking.target,
          chunks: chunking.chunks.map((chunk) => chunk.tokens.map((token) => [token.id, token.weight])),
        };
      }
      const count = counter.a1111(conditionA1111!(prompt, { steps: lineSteps }));
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
    const ids = tokenizer ? tokenizer.encode(prompt, frontEnd ?? engine) : new api.TokenEstimate().encode(prompt);
    context.stdout.write(`${JSON.stringify(ids)}${tokenizer ? '' : '  (approximate: no vocabulary)'}\n`);
    return 0;
  }
  if (engine === 'comfyui') {
    const chunking = counter.comfy(prompt);
    context.stdout.write(renderChunks(name, prompt, 'ComfyUI', chunking.tokenCount, chunking.target, chunking.chunks, chunking.approximate));
  } else {
    const count = counter.a1111(conditionA1111!(prompt, { steps }));
    context.stdout.write(renderChunks(name, prompt, 'A1111', count.count, count.target, count.first.chunks, count.approximate));
  }
  return 0;
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
  name: string,
  prompt: string,
  engineName: string,
  count: number,
  target: number,
  chunks: readonly PromptChunk[],
  approximate: boolean,
): string {
  const mark = approximate ? '~' : '';
  const lines = [
    `${name}: ${mark}${count}/${target} (${engineName}${engineName === 'A1111' ? ' token counter' : ''}), ` +
      `${chunks.length} chunk${chunks.length === 1 ? '' : 's'}${approximate ? ', estimated' : ''}`,
  ];
  chunks.forEach((chunk, index) => {
    const size = `${mark}${chunk.tokens.length} token${chunk.tokens.length === 1 ? '' : 's'}`;
    if (chunk.tokens.length === 0) {
      lines.push(`  chunk ${index + 1}: empty`);
      return;
    }
    const end = Math.max(...chunk.tokens.map((token) => token.end));
    const excerpt = prompt.slice(Math.max(0, end - 40), end).replace(/\r?\n/g, '⏎');
    lines.push(`  chunk ${index + 1}: ${size}, ends at ${lineColumn(prompt, end - 1)} after "${end > 40 ? '…' : ''}${excerpt}"`);
  });
  return lines.join('\n') + '\n';
}
