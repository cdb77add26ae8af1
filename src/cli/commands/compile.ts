/**
 * `sdprompt compile FILE --target T`: prints what each prompt of FILE becomes for an engine
 * (docs/compile.md). With --json, one JSON document per prompt on one line (JSON Lines when the
 * file has several); otherwise indented JSON, one block per prompt. Diagnostics go to stderr.
 * Like `lint`, it reads the configuration that applies to FILE: its `library` (behind the flags'
 * folders) and its `engine` (the target when --target and the prompt's `engine:` are absent).
 */
import type { Command } from 'commander';
import { ConfigError } from '../../config/types.js';
import { CliError, EXIT_OK, EXIT_PROBLEMS, readAll, type CliContext } from '../context.js';

interface CompileFlags {
  target?: string;
  config?: string;
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
    .option('-t, --target <target>', 'ir | a1111 | forge | sdnext | comfyui | sdcpp | sdcpp-cli | compel (default: the prompt\'s engine: parameter, else the configuration\'s "engine")')
    .option('-c, --config <file>', 'use this configuration file instead of searching for one (its library and engine are used)')
    .option('--json', 'one JSON document per prompt per line (JSON Lines)')
    .option('-p, --prompt <name>', 'compile only the prompt with this @prompt name (or 1-based index)')
    .option('--base-model <model>', 'sd1 or sdxl (sdxl uses CLIPTextEncodeSDXL for comfyui); default: the family of the checkpoint in the library (--checkpoint-dir, then the configuration\'s), else sd1')
    .option('--seed <n>', 'seed used where the file says -1 (random)')
    .option('--lora-dir <dir>', 'LoRA folder to resolve file names from, before the configuration\'s library (repeatable)', collect)
    .option('--embedding-dir <dir>', 'embeddings folder: bare embedding names become embedding:NAME for ComfyUI, before the configuration\'s library (repeatable)', collect)
    .option('--checkpoint-dir <dir>', 'checkpoint folder: the checkpoint\'s family (SD1, SDXL, …) picks the ComfyUI text encoder, before the configuration\'s library (repeatable)', collect)
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

type LoraLibrary = import('../../library/index.js').LoraLibrary;
type ResolvedConfig = import('../../config/types.js').ResolvedConfig;

/** Name resolvers for the IR from a scanned library; a kind the library has no files of gets none. */
export function resolversOf(library: LoraLibrary): LibraryResolvers {
  return {
    ...(library.loras.length > 0
      ? {
          resolveLora: (name: string) => {
            const entry = library.resolveLora(name);
            return entry ? { file: entry.relativePath } : undefined;
          },
        }
      : {}),
    ...(library.embeddings.length > 0
      ? {
          // ComfyUI's embedding: name is the path relative to its embeddings folder; the extension is optional.
          resolveEmbedding: (word: string) => library.resolveEmbedding(word)?.relativePath.replace(/\.(safetensors|pt|bin)$/i, ''),
        }
      : {}),
    ...(library.checkpoints.length > 0
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

/** `first` answers a name when it can, `then` otherwise: the flags' folders before the configuration's library. */
export function layerResolvers(first: LibraryResolvers, then: LibraryResolvers): LibraryResolvers {
  const layered: LibraryResolvers = {};
  for (const key of ['resolveLora', 'resolveEmbedding', 'checkpointFamily'] as const) {
    const a = first[key] as ((name: string) => unknown) | undefined;
    const b = then[key] as ((name: string) => unknown) | undefined;
    if (a && b) (layered as Record<string, unknown>)[key] = (name: string) => a(name) ?? b(name);
    else if (a ?? b) (layered as Record<string, unknown>)[key] = a ?? b;
  }
  return layered;
}

/** Name resolvers from the library folders of the flags alone (src/library), for the IR. */
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
  return resolversOf(library);
}

/**
 * What `compile` and `render` take from the configuration (docs/configuration.md): the config that
 * applies to each file, found as `lint` finds it (or `--config FILE`), and its `library`, opened as
 * `lint` opens it (src/config/library.ts). The flags' folders are consulted first, so a name they
 * resolve wins over the configuration's library; other names fall through to the configuration's.
 */
export class ProjectSetup {
  private constructor(
    private readonly loader: import('../../config/load.js').ConfigLoader,
    private readonly libraries: import('../../config/library.js').ConfiguredLibraries<LibraryResolvers>,
    private readonly flagResolvers: LibraryResolvers,
  ) {}

  static async create(flags: LibraryFolders & { config?: string }, context: CliContext): Promise<ProjectSetup> {
    const [{ ConfigLoader }, { ConfiguredLibraries }, path] = await Promise.all([
      import('../../config/load.js'),
      import('../../config/library.js'),
      import('node:path'),
    ]);
    const loader = new ConfigLoader(flags.config ? { configFile: path.resolve(context.cwd, flags.config) } : {});
    return new ProjectSetup(loader, new ConfiguredLibraries(context.env, resolversOf), await libraryResolvers(flags, context));
  }

  /** The configuration of a file (absolute path); a broken one is a CliError (exit 2) naming the config file. */
  configFor(file: string): ResolvedConfig {
    try {
      return this.loader.forFile(file);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
  }

  /** The resolvers for files under `config`: the flags' folders, then the configuration's library. */
  async resolversFor(config: ResolvedConfig): Promise<LibraryResolvers> {
    let configured: LibraryResolvers = {};
    try {
      configured = (await this.libraries.for(config)) ?? {};
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
    return layerResolvers(this.flagResolvers, configured);
  }

  /** Library problems met so far (for stderr, as `note: …`, as lint prints them). */
  get notes(): readonly string[] {
    return this.libraries.notes;
  }
}

/** `--base-model`: sd1 or sdxl, or a usage error. */
export function parseBaseModel(value: string | undefined): 'sd1' | 'sdxl' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'sd1' && value !== 'sdxl') throw new CliError(`--base-model must be sd1 or sdxl, not "${value}"`);
  return value;
}

/** What `--target` may be when the configuration or the file decides instead (EngineKind ⊂ TargetName). */
type TargetName = import('../../compile/target.js').TargetName;

async function runCompile(file: string, flags: CompileFlags, context: CliContext): Promise<number> {
  const { TARGET_NAMES } = await import('../../compile/target.js');
  const flagTarget = flags.target as TargetName | undefined;
  if (flagTarget !== undefined && !TARGET_NAMES.includes(flagTarget)) throw new CliError(`unknown target "${flags.target}"; use one of ${TARGET_NAMES.join(', ')}`);
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
  const name = file === '-' ? '<stdin>' : file;
  // Standard input takes the configuration of the current folder, as `lint --stdin` does.
  const setup = await ProjectSetup.create(flags, context);
  const config = setup.configFor(fullPath ?? path.join(context.cwd, '__stdin__.sdprompt'));
  const resolvers = await setup.resolversFor(config);
  for (const note of setup.notes) context.stderr.write(`note: ${note}\n`);

  const [{ parse }, { analyze }, { compileFile }] = await Promise.all([
    import('../../grammar/parse.js'),
    import('../../semantics/analyze.js'),
    import('../../compile/compile.js'),
  ]);
  const readFile = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const parsed = parse(text);
  const model = analyze(parsed.ast, { ...(fullPath ? { path: fullPath } : {}), readFile });
  const fileDiagnostics = [...parsed.diagnostics, ...model.diagnostics];

  let selected = model.prompts.map((prompt, index) => ({ prompt, index }));
  if (flags.prompt !== undefined) {
    selected = selected.filter(({ prompt, index }) => prompt.name === flags.prompt || String(index + 1) === flags.prompt);
    if (selected.length === 0) {
      const names = model.prompts.map((p, index) => p.name ?? String(index + 1));
      throw new CliError(`${name} has no prompt "${flags.prompt}"; it has ${names.join(', ')}`);
    }
  }
  // The target of each prompt, as lint decides the engine it checks for (runner.ts engineOf): the
  // prompt's own `engine:` parameter, else the configuration's `engine`. --target wins over both.
  const targetOf = (prompt: (typeof model.prompts)[number]): TargetName | undefined =>
    flagTarget ?? prompt.parameters.engine ?? (config.sources.length > 0 ? config.engine : undefined);
  const untargeted = selected.filter(({ prompt }) => targetOf(prompt) === undefined);
  if (untargeted.length > 0) {
    // A file that does not parse says so first: its errors matter more than the missing target.
    if (fileDiagnostics.some((d) => d.severity === 'error')) {
      for (const d of fileDiagnostics) if (d.severity !== 'hint') context.stderr.write(formatDiagnosticLine(d.file ?? name, d));
      context.stderr.write(`${name}: not compiled: fix the errors above first\n`);
      return EXIT_PROBLEMS;
    }
    throw new CliError(
      `${name}: no target for ${untargeted.length === model.prompts.length ? 'its prompts' : `prompt ${untargeted.map(({ prompt, index }) => prompt.name ?? index + 1).join(', ')}`}: ` +
        `pass --target (${TARGET_NAMES.join(', ')}), or set "engine" in sdprompt.config.json or "engine:" in the file`,
    );
  }

  const options = {
    ...(baseModel ? { baseModel } : {}),
    ...(seed !== undefined ? { randomSeed: () => seed! } : {}),
    ...resolvers,
  };
  // One compile per distinct target (nearly always one); each prompt is taken from its target's run.
  const byTarget = new Map<TargetName, ReturnType<typeof compileFile>>();
  const prompts = selected.map(({ prompt, index }) => {
    const target = targetOf(prompt)!;
    let compiled = byTarget.get(target);
    if (!compiled) {
      compiled = compileFile(model, text, { ...options, target });
      byTarget.set(target, compiled);
    }
    return compiled[index]!;
  });

  const diagnostics = [...fileDiagnostics, ...prompts.flatMap((p) => p.diagnostics)];
  for (const d of diagnostics) if (d.severity !== 'hint') context.stderr.write(formatDiagnosticLine(d.file ?? name, d));
  const syntaxErrors = fileDiagnostics.some((d) => d.severity === 'error');
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
