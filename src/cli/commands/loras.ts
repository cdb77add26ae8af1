/**
 * `sdprompt loras [--json]`: the LoRAs the library finds (name, base model, trigger words, preferred
 * weight); `sdprompt loras show NAME`: one LoRA's card. Sources come from the flags, else from the
 * `library` section of sdprompt.config.json. See docs/library.md.
 */
import type { Command } from 'commander';
import { CliError, EXIT_OK, EXIT_PROBLEMS, type CliContext } from '../context.js';
import type { LibraryOptions, LoraEntry, LoraLibrary } from '../../library/index.js';

interface SourceFlags {
  loraDir?: string[];
  embeddingDir?: string[];
  wildcardDir?: string[];
  checkpointDir?: string[];
  a1111Root?: string;
  comfyuiRoot?: string;
  engine?: string[];
  engineTimeout?: string;
  config?: string;
  cache: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function addSourceOptions(command: Command): Command {
  return command
    .option('--lora-dir <dir>', 'a LoRA folder (repeatable)', collect)
    .option('--embedding-dir <dir>', 'an embeddings folder (repeatable)', collect)
    .option('--wildcard-dir <dir>', 'a dynamic-prompts wildcards folder (repeatable)', collect)
    .option('--checkpoint-dir <dir>', 'a checkpoints folder (repeatable)', collect)
    .option('--a1111-root <dir>', 'an A1111/Forge install (models/Lora, models/LyCORIS, embeddings, …)')
    .option('--comfyui-root <dir>', 'a ComfyUI install (models/loras, models/embeddings, …)')
    .option('--engine <url>', 'a running engine to ask, e.g. http://127.0.0.1:7860 or comfyui=http://127.0.0.1:8188 (repeatable)', collect)
    .option('--engine-timeout <ms>', 'timeout per engine request', '5000')
    .option('-c, --config <file>', 'read the library section of this configuration file')
    .option('--no-cache', 'do not read or write the persistent index')
    .option('--json', 'print JSON');
}

export function registerLoras(program: Command, context: CliContext): void {
  const loras = addSourceOptions(
    program.command('loras').description('List the LoRAs found in your folders and engines; see docs/library.md'),
  ).action(async (flags: SourceFlags) => {
    const library = await openLibrary(flags, context);
    const result = await library.scan();
    if (flags.json) {
      const rows = result.loras.map((entry) => listRow(library, entry));
      const others = {
        embeddings: result.embeddings.map((entry) => ({ name: entry.name, relativePath: entry.relativePath, baseModel: entry.baseModel, vectors: entry.vectors ?? null })),
        wildcards: result.wildcards.map((entry) => ({ name: entry.name, file: entry.relativePath, values: entry.values.length })),
        checkpoints: result.checkpoints.map((entry) => ({ name: entry.name, relativePath: entry.relativePath, baseModel: entry.baseModel, inpainting: entry.inpainting })),
      };
      context.stdout.write(`${JSON.stringify({ loras: rows, ...others, diagnostics: result.diagnostics }, null, 2)}\n`);
    } else {
      context.stdout.write(await formatTable(library, result.loras));
      const counts = [[result.embeddings.length, 'embedding'], [result.wildcards.length, 'wildcard'], [result.checkpoints.length, 'checkpoint']] as const;
      const summary = counts.filter(([count]) => count > 0).map(([count, noun]) => `${count} ${noun}${count === 1 ? '' : 's'}`);
      if (summary.length > 0) context.stdout.write(`(also ${summary.join(', ')}; --json lists them)\n`);
      for (const diagnostic of result.diagnostics) {
        if (diagnostic.severity === 'error' || diagnostic.severity === 'warning') {
          context.stderr.write(`${diagnostic.severity}: ${diagnostic.message} [${diagnostic.code}]\n`);
        }
      }
    }
    context.exitCode = result.diagnostics.some((d) => d.severity === 'error') ? EXIT_PROBLEMS : EXIT_OK;
  });

  addSourceOptions(loras.command('show').description("Print one LoRA's card (trigger words, base model, hashes, training facts)"))
    .argument('<name>', 'the name as written in <lora:NAME:…>, or a relative path')
    .option('--no-hashes', 'do not compute the file hashes')
    .action(async (name: string, flags: SourceFlags & { hashes: boolean }, command: Command) => {
      const merged = { ...(command.parent?.opts() as SourceFlags), ...stripDefaults(flags, command) } as SourceFlags & { hashes: boolean };
      const library = await openLibrary(merged, context);
      await library.scan();
      const entry = library.resolveLora(name) ?? library.resolveLoraPath(name);
      if (!entry) {
        const suggestions = library.suggestLora(name).map((s) => s.name);
        throw new CliError(
          `no LoRA named "${name}" (A1111 would say "Lora not found")${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''}`,
          EXIT_PROBLEMS,
        );
      }
      const { formatCard } = await import('../../library/index.js');
      const hashes = flags.hashes === false ? undefined : await library.hashes(entry);
      if (merged.json) {
        const card = library.card(entry);
        context.stdout.write(`${JSON.stringify({ ...card, hashes }, null, 2)}\n`);
      } else {
        context.stdout.write(formatCard(library.card(entry), hashes));
      }
      context.exitCode = entry.diagnostics.some((d) => d.severity === 'error') ? EXIT_PROBLEMS : EXIT_OK;
    });
}

/** Options the user typed on `show` itself, so that they override the parent's without its defaults winning. */
function stripDefaults(flags: SourceFlags & { hashes: boolean }, command: Command): Partial<SourceFlags & { hashes: boolean }> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flags)) {
    if (command.getOptionValueSource(key) !== 'default') out[key] = value;
  }
  return out as Partial<SourceFlags & { hashes: boolean }>;
}

async function openLibrary(flags: SourceFlags, context: CliContext): Promise<LoraLibrary> {
  const { createLibrary, validateLibraryOptions } = await import('../../library/index.js');
  const timeout = Number(flags.engineTimeout ?? 5000);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new CliError(`--engine-timeout must be a positive number of milliseconds, not "${flags.engineTimeout}"`);
  const options: LibraryOptions = {
    baseDir: context.cwd,
    env: context.env,
    engineTimeoutMs: timeout,
    ...(flags.cache === false ? { cacheDir: false as const } : {}),
  };
  const hasFlags = Boolean(flags.loraDir || flags.embeddingDir || flags.wildcardDir || flags.checkpointDir || flags.a1111Root || flags.comfyuiRoot || flags.engine);
  if (hasFlags) {
    if (flags.loraDir) options.loraDirs = flags.loraDir;
    if (flags.embeddingDir) options.embeddingDirs = flags.embeddingDir;
    if (flags.wildcardDir) options.wildcardDirs = flags.wildcardDir;
    if (flags.checkpointDir) options.checkpointDirs = flags.checkpointDir;
    if (flags.a1111Root) options.a1111Root = flags.a1111Root;
    if (flags.comfyuiRoot) options.comfyuiRoot = flags.comfyuiRoot;
    if (flags.engine) options.engines = flags.engine.map(parseEngineFlag);
  } else {
    Object.assign(options, await librarySettingsFromConfig(flags.config, context));
  }
  const checked = validateLibraryOptions(options);
  if (!checked.ok) throw new CliError(checked.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  if (!options.loraDirs && !options.a1111Root && !options.comfyuiRoot && !options.engines && !options.engineUrl) {
    throw new CliError('no LoRA source: pass --lora-dir DIR, --a1111-root DIR, --comfyui-root DIR or --engine URL, or set "library" in sdprompt.config.json');
  }
  return createLibrary(checked.options);
}

function parseEngineFlag(value: string): { url: string; kind?: 'a1111' | 'comfyui' } {
  const match = /^(a1111|forge|comfyui)=(.+)$/i.exec(value);
  if (!match) return { url: value };
  return { url: match[2]!, kind: match[1]!.toLowerCase() === 'comfyui' ? 'comfyui' : 'a1111' };
}

async function librarySettingsFromConfig(configFile: string | undefined, context: CliContext): Promise<Partial<LibraryOptions>> {
  let settings: Record<string, unknown>;
  try {
    const { ConfigLoader } = await import('../../config/index.js');
    const path = await import('node:path');
    const loader = new ConfigLoader(configFile ? { configFile: path.resolve(context.cwd, configFile) } : {});
    settings = loader.forDirectory(context.cwd).library as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const file = (error as { file?: string }).file;
    throw new CliError(`configuration: ${file ? `${file}: ` : ''}${message}`);
  }
  const out: Partial<LibraryOptions> = {};
  for (const key of ['loraDirs', 'embeddingDirs', 'wildcardDirs', 'checkpointDirs', 'a1111Root', 'comfyuiRoot', 'engineUrl'] as const) {
    if (settings[key] !== undefined) (out as Record<string, unknown>)[key] = settings[key];
  }
  return out;
}

function listRow(library: LoraLibrary, entry: LoraEntry) {
  return {
    name: library.promptName(entry),
    file: entry.name,
    relativePath: entry.relativePath,
    baseModel: entry.baseModel,
    triggerWords: entry.triggerWords.map((word) => ({ text: word.text, sources: word.sources })),
    preferredWeight: entry.preferredWeight ?? null,
    algorithm: entry.algorithm,
    problems: entry.diagnostics.map((d) => d.message),
  };
}

async function formatTable(library: LoraLibrary, entries: readonly LoraEntry[]): Promise<string> {
  const { baseModelLabel } = await import('../../library/index.js');
  if (entries.length === 0) return 'no LoRAs found\n';
  const rows = entries.map((entry) => [
    library.promptName(entry),
    entry.diagnostics.some((d) => d.severity === 'error') ? 'broken' : baseModelLabel(entry.baseModel),
    entry.preferredWeight !== undefined ? String(entry.preferredWeight) : '-',
    entry.triggerWords.filter((w) => !(w.sources.length === 1 && w.sources[0] === 'tag-frequency')).map((w) => w.text).join(', ')
      || (entry.triggerWords.length ? `(tags: ${entry.triggerWords.map((w) => w.text).join(', ')})` : ''),
  ]);
  const header = ['NAME', 'BASE', 'WEIGHT', 'TRIGGER WORDS'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
