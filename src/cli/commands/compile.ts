/**
 * `sdprompt compile FILE --target T`: prints what each prompt of FILE becomes for an engine
 * (docs/compile.md). With --json, one JSON document per prompt on one line (JSON Lines when the
 * file has several); otherwise indented JSON, one block per prompt. Diagnostics go to stderr.
 */
import type { Command } from 'commander';
import { CliError, EXIT_OK, EXIT_PROBLEMS, readAll, type CliContext } from '../context.js';

interface CompileFlags {
  target: string;
  json?: boolean;
  prompt?: string;
  baseModel?: string;
  seed?: string;
  loraDir?: string[];
  embeddingDir?: string[];
  checkpointDir?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerCompile(program: Command, context: CliContext): void {
  program
    .command('compile')
    .description('Compile a prompt file for an engine: ir, a1111, forge, sdnext, comfyui, sdcpp, sdcpp-cli, compel (docs/compile.md)')
    .argument('<file>', 'prompt file, or - for standard input')
    .requiredOption('-t, --target <target>', 'ir | a1111 | forge | sdnext | comfyui | sdcpp | sdcpp-cli | compel')
    .option('--json', 'one JSON document per prompt per line (JSON Lines)')
    .option('-p, --prompt <name>', 'compile only the prompt with this @prompt name (or 1-based index)')
    .option('--base-model <model>', 'sd1 or sdxl (sdxl uses CLIPTextEncodeSDXL for comfyui); default: the family of the checkpoint in --checkpoint-dir, else sd1')
    .option('--seed <n>', 'seed used where the file says -1 (random)')
    .option('--lora-dir <dir>', 'LoRA folder to resolve file names from (repeatable)', collect)
    .option('--embedding-dir <dir>', 'embeddings folder: bare embedding names become embedding:NAME for ComfyUI (repeatable)', collect)
    .option('--checkpoint-dir <dir>', 'checkpoint folder: the checkpoint\'s family (SD1, SDXL, …) picks the ComfyUI text encoder (repeatable)', collect)
    .action(async (file: string, flags: CompileFlags) => {
      context.exitCode = await runCompile(file, flags, context);
    });
}

export function formatDiagnosticLine(file: string, d: { severity: string; code: string; message: string; range: { start: { line: number; column: number } } }): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.column + 1}: ${d.severity} ${d.message} [${d.code}]\n`;
}

/** The library folders of --lora-dir / --embedding-dir / --checkpoint-dir. */
export interface LibraryFolders {
  loraDir?: string[];
  embeddingDir?: string[];
  checkpointDir?: string[];
}

export interface LibraryResolvers {
  resolveLora?: (name: string) => { file: string } | undefined;
  resolveEmbedding?: (word: string) => string | undefined;
  checkpointFamily?: (checkpoint: string) => string | undefined;
}

/** Name resolvers from the library folders (src/library), for the IR. */
export async function libraryResolvers(folders: LibraryFolders, context: CliContext): Promise<LibraryResolvers> {
  const { loraDir: loraDirs, embeddingDir: embeddingDirs, checkpointDir: checkpointDirs } = folders;
  if (!loraDirs?.length && !embeddingDirs?.length && !checkpointDirs?.length) return {};
  const { createLibrary } = await import('../../library/index.js');
  const library = createLibrary({
    baseDir: context.cwd,
    env: context.env,
    cacheDir: false,
    ...(loraDirs?.length ? { loraDirs } : {}),
    ...(embeddingDirs?.length ? { embeddingDirs } : {}),
    ...(checkpointDirs?.length ? { checkpointDirs } : {}),
  });
  await library.scan();
  return {
    ...(loraDirs?.length
      ? {
          resolveLora: (name: string) => {
            const entry = library.resolveLora(name);
            return entry ? { file: entry.relativePath } : undefined;
          },
        }
      : {}),
    ...(embeddingDirs?.length
      ? {
          // ComfyUI's embedding: name is the path relative to its embeddings folder; the extension is optional.
          resolveEmbedding: (word: string) => library.resolveEmbedding(word)?.relativePath.replace(/\.(safetensors|pt|bin)$/i, ''),
        }
      : {}),
    ...(checkpointDirs?.length
      ? {
          // The same fact the lora/family-mismatch rule reads (lint adapters: resolveCheckpoint → baseModel).
          checkpointFamily: (checkpoint: string) => {
            const family = library.resolveCheckpoint(checkpoint)?.baseModel;
            return family && family !== 'unknown' ? family : undefined;
          },
        }
      : {}),
  };
}

/** `--base-model`: sd1 or sdxl, or a usage error. */
export function parseBaseModel(value: string | undefined): 'sd1' | 'sdxl' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'sd1' && value !== 'sdxl') throw new CliError(`--base-model must be sd1 or sdxl, not "${value}"`);
  return value;
}

async function runCompile(file: string, flags: CompileFlags, context: CliContext): Promise<number> {
  const { TARGET_NAMES } = await import('../../compile/target.js');
  const target = flags.target as (typeof TARGET_NAMES)[number];
  if (!TARGET_NAMES.includes(target)) throw new CliError(`unknown target "${flags.target}"; use one of ${TARGET_NAMES.join(', ')}`);
  const baseModel = parseBaseModel(flags.baseModel);
  let seed: number | undefined;
  if (flags.seed !== undefined) {
    seed = Number(flags.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new CliError(`--seed must be a whole number ≥ 0, not "${flags.seed}"`);
  }
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const fullPath = file === '-' ? undefined : path.resolve(context.cwd, file);
  let text: string;
  if (fullPath === undefined) text = await readAll(context.stdin);
  else {
    try {
      text = readFileSync(fullPath, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
  }
  const { compileSource } = await import('../../compile/source.js');
  const resolvers = await libraryResolvers(flags, context);
  const compiled = compileSource(text, {
    target,
    ...(fullPath ? { path: fullPath } : {}),
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    ...(baseModel ? { baseModel } : {}),
    ...(seed !== undefined ? { randomSeed: () => seed! } : {}),
    ...resolvers,
  });
  const name = file === '-' ? '<stdin>' : file;
  let prompts = compiled.prompts;
  if (flags.prompt !== undefined) {
    prompts = prompts.filter((p) => p.name === flags.prompt || String(p.index + 1) === flags.prompt);
    if (prompts.length === 0) {
      const names = compiled.prompts.map((p) => p.name ?? String(p.index + 1));
      throw new CliError(`${name} has no prompt "${flags.prompt}"; it has ${names.join(', ')}`);
    }
  }
  const diagnostics = [...compiled.diagnostics, ...prompts.flatMap((p) => p.diagnostics)];
  for (const d of diagnostics) if (d.severity !== 'hint') context.stderr.write(formatDiagnosticLine(d.file ?? name, d));
  const syntaxErrors = compiled.diagnostics.some((d) => d.severity === 'error');
  if (syntaxErrors) {
    context.stderr.write(`${name}: not compiled: fix the errors above first\n`);
    return EXIT_PROBLEMS;
  }
  let out = '';
  for (const prompt of prompts) {
    out += flags.json ? JSON.stringify(prompt.payload) + '\n' : (prompts.length > 1 ? `# ${prompt.name ?? prompt.index + 1}\n` : '') + JSON.stringify(prompt.payload, null, 2) + '\n';
  }
  context.stdout.write(out);
  return diagnostics.some((d) => d.severity === 'error') ? EXIT_PROBLEMS : EXIT_OK;
}
