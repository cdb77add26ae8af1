/**
 * `sdprompt render FILE… --engine URL`: compiles each prompt for the engine at URL, renders it,
 * and writes the images (docs/engines.md "Render"). Progress is one updating line on a TTY and
 * plain lines elsewhere; Ctrl-C interrupts the job on the engine, then stops. Like `lint` and
 * `compile`, it reads each file's configuration for its library (compile.ts ProjectSetup).
 */
import type { Command } from 'commander';
import { CliError, EXIT_OK, EXIT_PROBLEMS, type CliContext } from '../context.js';
import { formatDiagnosticLine, parseBaseModel, ProjectSetup } from './compile.js';

interface RenderFlags {
  engine?: string;
  engineType?: string;
  out: string;
  dryRun?: boolean;
  seeds?: string;
  sweep?: string;
  prompt?: string;
  auth?: string;
  config?: string;
  loraDir?: string[];
  embeddingDir?: string[];
  checkpointDir?: string[];
  baseModel?: string;
  format: string;
  sheet: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerRender(program: Command, context: CliContext): void {
  program
    .command('render')
    .description('Render prompt files on a running engine (A1111, Forge, SD.Next, ComfyUI, sd-server); see docs/engines.md')
    .argument('<files...>', 'prompt files')
    .option('-e, --engine <url>', 'engine address, e.g. http://127.0.0.1:8188 (or SDPROMPT_ENGINE)')
    .option('--engine-type <type>', 'a1111 | forge | sdnext | comfyui | sdcpp (default: detected)')
    .option('-o, --out <dir>', 'output folder', 'renders')
    .option('--dry-run', 'print the request bodies instead of sending them')
    .option('--seeds <list>', 'comma-separated seeds, one image per seed')
    .option('--sweep <spec>', 'vary a value: "lora:NAME=0.2..1.0/0.2", "cfg=4..8/1", "steps=20,30"')
    .option('-p, --prompt <name>', 'render only this @prompt (name or 1-based index)')
    .option('--auth <user:password>', 'HTTP Basic auth (A1111 --api-auth)')
    .option('-c, --config <file>', 'use this configuration file instead of searching for one (its library; its engine for --dry-run)')
    .option('--lora-dir <dir>', 'LoRA folder to resolve file names from, before the configuration\'s library (repeatable)', collect)
    .option('--embedding-dir <dir>', 'embeddings folder, for embedding:NAME on ComfyUI, before the configuration\'s library (repeatable)', collect)
    .option('--checkpoint-dir <dir>', 'checkpoint folder: the checkpoint\'s family (SD1, SDXL, …) picks the ComfyUI text encoder, before the configuration\'s library (repeatable)', collect)
    .option('--base-model <model>', 'sd1 or sdxl, for ComfyUI\'s text encoder (default: the family of the checkpoint in the library, else sd1)')
    .option('--format <format>', 'text, or json: every diagnostic (the file\'s and the engine\'s) as ESLint JSON on stdout at the end', 'text')
    .option('--no-sheet', 'do not write a contact sheet')
    .action(async (files: string[], flags: RenderFlags) => {
      context.exitCode = await runRenderCommand(files, flags, context);
    });
}

/** The shape lint's JSON reporter reads; it counts errors and warnings itself. */
function lintResult(diagnostics: import('../../core/diagnostic.js').Diagnostic[]): import('../../lint/types.js').LintResult {
  const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
  return {
    diagnostics,
    errorCount: count('error'),
    warningCount: count('warning'),
    infoCount: count('info'),
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    hasSyntaxErrors: diagnostics.some((d) => d.severity === 'error' && d.code.startsWith('syntax/')),
    skipped: [],
  };
}

/**
 * --dry-run with neither --engine nor --engine-type: the engine the files' configuration names, when
 * every file has a configuration and they agree on one engine that can render.
 */
function configuredEngineKind<Kind extends string>(
  configs: ReadonlyArray<import('../../config/types.js').ResolvedConfig>,
  renderable: readonly Kind[],
): Kind | undefined {
  if (configs.length === 0 || configs.some((config) => config.sources.length === 0)) return undefined;
  const engines = [...new Set(configs.map((config) => config.engine))];
  if (engines.length > 1) throw new CliError(`the files' configurations name different engines (${engines.join(', ')}); pass --engine-type`);
  const engine = engines[0] as Kind;
  if (!renderable.includes(engine)) throw new CliError(`the configured engine "${engine}" cannot render; pass --engine-type (${renderable.join(', ')})`);
  return engine;
}

function parseSeeds(text: string): number[] {
  const seeds = text.split(',').map((part) => part.trim());
  if (seeds.some((seed) => !/^\d+$/.test(seed))) throw new CliError(`--seeds takes whole numbers separated by commas, e.g. 1,2,3 (got "${text}")`);
  return seeds.map(Number);
}

async function runRenderCommand(files: string[], flags: RenderFlags, context: CliContext): Promise<number> {
  const path = await import('node:path');
  const { readFileSync } = await import('node:fs');
  const { RENDER_ENGINE_KINDS, createRenderEngine, detectEngine } = await import('../../render/engines.js');
  const { compileSource } = await import('../../compile/source.js');
  const { parseSweep, SweepError } = await import('../../render/sweep.js');
  const { planRender, runRender } = await import('../../render/render.js');
  const { EngineError } = await import('../../engines/http.js');
  const { notesToDiagnostics } = await import('../../compile/compile.js');
  const { LineIndex } = await import('../../compile/positions.js');
  type Diagnostic = import('../../core/diagnostic.js').Diagnostic;

  if (flags.format !== 'text' && flags.format !== 'json') throw new CliError(`--format must be text or json, not "${flags.format}"`);
  if (flags.format === 'json' && flags.dryRun) throw new CliError('--dry-run prints the bodies on stdout; it cannot be combined with --format json');
  const baseModel = parseBaseModel(flags.baseModel);
  const url = flags.engine ?? context.env.SDPROMPT_ENGINE;
  let kind = flags.engineType as (typeof RENDER_ENGINE_KINDS)[number] | undefined;
  if (kind !== undefined && !RENDER_ENGINE_KINDS.includes(kind)) throw new CliError(`--engine-type must be one of ${RENDER_ENGINE_KINDS.join(', ')}`);
  // The configuration of each file (as lint finds it, or --config): its library and, for --dry-run
  // without an engine to ask, its `engine`.
  const setup = await ProjectSetup.create(flags, context);
  const configs = new Map(files.map((file) => [file, setup.configFor(path.resolve(context.cwd, file))]));
  if (!url && !kind && flags.dryRun) kind = configuredEngineKind([...configs.values()], RENDER_ENGINE_KINDS);
  if (!url && !(flags.dryRun && kind)) {
    throw new CliError('no engine: pass --engine URL (or set SDPROMPT_ENGINE); --dry-run works with --engine-type alone, or with the "engine" of sdprompt.config.json');
  }
  const seeds = flags.seeds !== undefined ? parseSeeds(flags.seeds) : undefined;
  let sweep;
  try {
    sweep = flags.sweep !== undefined ? parseSweep(flags.sweep) : undefined;
  } catch (error) {
    if (error instanceof SweepError) throw new CliError(error.message);
    throw error;
  }
  const connection = { url: url ?? 'http://127.0.0.1', ...(flags.auth ? { auth: flags.auth } : {}) };
  if (!kind) {
    try {
      kind = await detectEngine(connection);
    } catch (error) {
      if (error instanceof EngineError) throw new CliError(error.message);
      throw error;
    }
  }
  const engine = createRenderEngine(kind, connection);
  const readText = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };

  // Diagnostics go to stderr as they come (file:line:col: severity message [code]) and are kept per
  // prompt file for --format json.
  const reports = new Map<string, { display: string; text: string; diagnostics: Diagnostic[] }>();
  const printed = new Set<string>();
  const report = (full: string, diagnostics: readonly Diagnostic[]) => {
    for (const d of diagnostics) {
      // A problem in an included file belongs to that file's report.
      const owner = d.file ?? full;
      // A problem every job of a sweep or seed list hits is shown once.
      const key = `${owner}\0${d.code}\0${d.range.start.offset}\0${d.range.end.offset}\0${d.message}`;
      if (printed.has(key)) continue;
      printed.add(key);
      let entry = reports.get(owner);
      if (!entry) {
        entry = { display: path.relative(context.cwd, owner) || owner, text: readText(owner) ?? '', diagnostics: [] };
        reports.set(owner, entry);
      }
      entry.diagnostics.push(d);
      context.stderr.write(formatDiagnosticLine(entry.display, d));
    }
  };

  const sources = [];
  let problems = false;
  for (const file of files) {
    const full = path.resolve(context.cwd, file);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch {
      throw new CliError(`cannot read ${file}`);
    }
    const resolvers = await setup.resolversFor(configs.get(file)!);
    const compiled = compileSource(text, {
      target: 'ir',
      path: full,
      readFile: readText,
      ...(baseModel ? { baseModel } : {}),
      ...resolvers,
    });
    const known = reports.get(full);
    if (known) known.display = file;
    else reports.set(full, { display: file, text, diagnostics: [] });
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    report(full, errors);
    if (errors.length > 0) {
      context.stderr.write(`${file}: skipped: fix the errors above first\n`);
      problems = true;
      continue;
    }
    let docs = compiled.prompts.map((p) => p.ir);
    if (flags.prompt !== undefined) docs = docs.filter((d) => d.name === flags.prompt || String(d.index + 1) === flags.prompt);
    // Lossy steps for this engine, once per prompt, before anything is sent.
    const lines = new LineIndex(text);
    for (const doc of docs) {
      const notes = engine.compile(doc).notes.filter((note) => note.severity !== 'info');
      report(full, notesToDiagnostics(notes, lines));
    }
    sources.push({ file: full, text, docs });
  }
  for (const note of setup.notes) context.stderr.write(`note: ${note}\n`);

  const outDir = path.resolve(context.cwd, flags.out);
  let jobs;
  try {
    jobs = planRender(sources, { outDir, ...(seeds ? { seeds } : {}), ...(sweep ? { sweep } : {}) });
  } catch (error) {
    if (error instanceof SweepError) throw new CliError(error.message);
    throw error;
  }
  if (flags.dryRun) {
    for (const job of jobs) {
      context.stdout.write(JSON.stringify({ engine: kind, outputs: job.outputs.map((o) => path.relative(context.cwd, o)), payload: engine.compile(job.doc).payload }) + '\n');
    }
    return problems ? EXIT_PROBLEMS : EXIT_OK;
  }

  const tty = Boolean(context.stderr.isTTY);
  const controller = new AbortController();
  const onSigint = () => {
    context.stderr.write('\ninterrupting: asking the engine to stop…\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  const started = new Map<unknown, number>();
  let failed = 0;
  try {
    const summary = await runRender(jobs, engine, {
      outDir,
      signal: controller.signal,
      contactSheet: flags.sheet !== false,
      onEvent: (event) => {
        const label = 'job' in event ? [event.job.promptLabel, `seed ${event.job.seed}`, ...Object.entries(event.job.sweep).map(([k, v]) => `${k}=${v}`)].join(' ') : '';
        switch (event.type) {
          case 'skip':
            context.stderr.write(`skip ${label}: ${path.relative(context.cwd, event.job.outputs[0]!)} exists\n`);
            break;
          case 'start':
            started.set(event.job, Date.now());
            context.stderr.write(tty ? `\r\x1b[K[${event.index}/${event.total}] ${label}` : `rendering [${event.index}/${event.total}] ${label}\n`);
            break;
          case 'progress':
            if (tty && event.progress.steps > 0) {
              const elapsed = (Date.now() - (started.get(event.job) ?? Date.now())) / 1000;
              const eta = event.progress.etaSeconds ?? (event.progress.step > 0 ? (elapsed / event.progress.step) * (event.progress.steps - event.progress.step) : undefined);
              context.stderr.write(`\r\x1b[K${label}: step ${event.progress.step}/${event.progress.steps}${eta !== undefined ? `, ETA ${Math.ceil(eta)} s` : ''}`);
            }
            break;
          case 'written':
            context.stderr.write(`${tty ? '\r\x1b[K' : ''}wrote ${path.relative(context.cwd, event.file)}\n`);
            break;
          case 'failed':
            failed++;
            context.stderr.write(`${tty ? '\r\x1b[K' : ''}failed ${label}: ${event.error.message}\n`);
            if (event.error instanceof EngineError && event.error.diagnostics) report(event.job.source.file, event.error.diagnostics);
            break;
          case 'diagnostics':
            if (tty) context.stderr.write('\r\x1b[K');
            report(event.job.source.file, event.diagnostics);
            break;
          case 'sheet':
            context.stderr.write(`contact sheet ${path.relative(context.cwd, event.file)}\n`);
            break;
        }
      },
    });
    context.stderr.write(`${summary.written.length} written, ${summary.skipped} skipped, ${summary.failed} failed\n`);
    if (flags.format === 'json') {
      const { toEslintResults } = await import('../../lint/reporters/json.js');
      const files = [...reports].map(([filePath, { text, diagnostics }]) => ({ filePath, source: text, result: lintResult(diagnostics) }));
      context.stdout.write(JSON.stringify(toEslintResults(files, false)) + '\n');
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    engine.close();
  }
  return problems || failed > 0 || controller.signal.aborted ? EXIT_PROBLEMS : EXIT_OK;
}
