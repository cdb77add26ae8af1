/**
 * `sdprompt lint [paths|globs]`: ESLint's command line for prompt files. Exit codes: 0 clean
 * (warnings within --max-warnings), 1 problems, 2 usage, configuration or internal error.
 * Heavy modules load inside the action so `sdprompt --help` stays fast.
 */
import type { Command } from 'commander';
import { CliError, EXIT_OK, EXIT_PROBLEMS, useColor, type CliContext } from '../context.js';

interface LintCommandOptions {
  fix?: boolean;
  fixDryRun?: boolean;
  format: string;
  maxWarnings: string;
  quiet?: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  config?: string;
  cache?: boolean;
  cacheLocation?: string;
  color: boolean;
  reportUnusedDisableDirectives?: boolean;
  inlineConfig: boolean;
  printConfig?: string;
}

const VERSION = '0.1.0';

export function registerLint(program: Command, context: CliContext): void {
  program
    .command('lint')
    .description('Check prompt files (*.sdprompt, *.prompt.txt) for problems; see docs/linting.md')
    .argument('[patterns...]', 'files, folders or globs (default: the current folder)')
    .option('--fix', 'apply safe fixes to the files (never to files with syntax errors)')
    .option('--fix-dry-run', 'compute fixes without writing them (the json format shows the output)')
    .option('-f, --format <name>', 'stylish, json, sarif or github', 'stylish')
    .option('--max-warnings <n>', 'exit with 1 when there are more warnings than this (-1: no limit)', '-1')
    .option('--quiet', 'report errors only')
    .option('--stdin', 'lint the text on standard input')
    .option('--stdin-filename <path>', 'the name of the stdin text (for configuration and messages)')
    .option('-c, --config <file>', 'use this configuration file instead of searching for one')
    .option('--cache', 'only re-lint files whose content or configuration changed')
    .option('--cache-location <file>', 'where the cache is kept (default: in the sdprompt cache folder)')
    .option('--no-color', 'never colour the output')
    .option('--report-unused-disable-directives', 'report sdprompt-disable comments that suppress nothing')
    .option('--no-inline-config', 'ignore sdprompt-disable comments in prompt files')
    .option('--print-config <file>', 'print the configuration that applies to a file, and exit')
    .action(async (patterns: string[], options: LintCommandOptions) => {
      context.exitCode = await runLint(patterns, options, context);
    });
}

/** Below this many files one thread is faster than starting workers. */
const PARALLEL_THRESHOLD = 400;

async function runLint(patterns: string[], options: LintCommandOptions, context: CliContext): Promise<number> {
  const { reporters } = await import('../../lint/reporters/index.js');
  const reporter = reporters[options.format];
  if (!reporter) throw new CliError(`unknown --format "${options.format}"; use ${Object.keys(reporters).join(', ')}`);
  const maxWarnings = Number(options.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new CliError(`--max-warnings must be an integer ≥ -1, got "${options.maxWarnings}"`);
  if (options.stdin && patterns.length > 0) throw new CliError('--stdin lints standard input; do not also name files');
  if (options.stdinFilename && !options.stdin) throw new CliError('--stdin-filename needs --stdin');

  const [{ LintBatch, BatchError }, { skippedRuleNotes, builtinRules }, files, path] = await Promise.all([
    import('../../lint/batch.js'),
    import('../../lint/index.js'),
    import('../../lint/files.js'),
    import('node:path'),
  ]);
  const batchOptions = {
    cwd: context.cwd,
    env: { ...context.env },
    ...(options.config ? { configFile: path.resolve(context.cwd, options.config) } : {}),
    fix: Boolean(options.fix),
    fixDryRun: Boolean(options.fixDryRun),
    ...(options.reportUnusedDisableDirectives ? { reportUnusedDisableDirectives: 'warn' as const } : {}),
    noInlineConfig: !options.inlineConfig,
  };
  const batch = new LintBatch(batchOptions);
  if (options.printConfig) {
    try {
      const config = batch.configFor(path.resolve(context.cwd, options.printConfig));
      const printable = { ...config, rules: Object.fromEntries([...config.rules].sort(([a], [b]) => a.localeCompare(b)).map(([id, setting]) => [id, Object.keys(setting.options).length ? [setting.severity, setting.options] : setting.severity])) };
      context.stdout.write(JSON.stringify(printable, null, 2) + '\n');
      return EXIT_OK;
    } catch (error) {
      if (error instanceof BatchError) throw new CliError(error.message);
      throw error;
    }
  }
  const reports: Array<import('../../lint/reporters/index.js').FileReport> = [];
  const notes: string[] = [];
  try {
    if (options.stdin) {
      const { readAll } = await import('../context.js');
      const text = await readAll(context.stdin);
      const filePath = options.stdinFilename ? path.resolve(context.cwd, options.stdinFilename) : undefined;
      reports.push(await batch.lintText(text, filePath, filePath ?? '<stdin>'));
    } else {
      const rootConfig = batch.configFor(path.join(context.cwd, '__root__.sdprompt'));
      const search = await files.findPromptFiles(patterns, context.cwd, files.ignoreMatcher(rootConfig.ignores));
      if (search.unmatched.length > 0 && search.files.length === 0) {
        throw new CliError(`no prompt files match ${search.unmatched.map((pattern) => `"${pattern}"`).join(', ')} (looked for *.sdprompt and *.prompt.txt)`);
      }
      if (options.cache && !options.fix && !options.fixDryRun) {
        reports.push(...(await lintWithCache(search.files, batch, options, context)));
      } else if (search.files.length >= PARALLEL_THRESHOLD) {
        const parallel = await lintInParallel(search.files, batch, batchOptions);
        reports.push(...parallel.reports);
        notes.push(...parallel.notes);
      } else {
        for (const file of search.files) reports.push(await batch.lintFile(file));
      }
    }
  } catch (error) {
    if (error instanceof BatchError) throw new CliError(error.message);
    throw error;
  }
  notes.push(...batch.notes);

  const output = reporter(reports, { cwd: context.cwd, color: options.color && useColor(context), rules: builtinRules, version: VERSION, quiet: Boolean(options.quiet) });
  context.stdout.write(output);
  if (!options.quiet) {
    for (const note of new Set(notes)) context.stderr.write(`note: ${note}\n`);
    for (const note of skippedRuleNotes(reports.flatMap((report) => report.result.skipped))) context.stderr.write(`note: ${note}\n`);
  }
  const errors = reports.reduce((sum, report) => sum + report.result.errorCount, 0);
  const warnings = reports.reduce((sum, report) => sum + report.result.warningCount, 0);
  if (errors > 0) return EXIT_PROBLEMS;
  if (!options.quiet && maxWarnings >= 0 && warnings > maxWarnings) {
    context.stderr.write(`sdprompt: too many warnings (${warnings}); the maximum is ${maxWarnings}\n`);
    return EXIT_PROBLEMS;
  }
  return EXIT_OK;
}

type Batch = import('../../lint/batch.js').LintBatch;
type FileReport = import('../../lint/reporters/index.js').FileReport;

/** --cache: results keyed by content + resolved configuration + version; files using a library or includes are always linted. */
async function lintWithCache(list: string[], batch: Batch, options: LintCommandOptions, context: CliContext): Promise<FileReport[]> {
  const [cacheModule, path] = await Promise.all([import('../../lint/cache.js'), import('node:path')]);
  const location = options.cacheLocation ? path.resolve(context.cwd, options.cacheLocation) : cacheModule.defaultLintCacheFile(context.env, context.cwd);
  const cache = new cacheModule.LintCache(location, VERSION);
  const fingerprints = new Map<object, string>();
  const reports: FileReport[] = [];
  for (const file of list) {
    const text = batch.readSource(file);
    const config = batch.configFor(file);
    const tools = await batch.toolsFor(config);
    if (tools.library || /^\s*@include\b/m.test(text)) {
      reports.push(await batch.lintFile(file, text));
      continue;
    }
    let fingerprint = fingerprints.get(config);
    if (!fingerprint) {
      fingerprint = cacheModule.configFingerprint(config, `${options.inlineConfig}:${options.reportUnusedDisableDirectives ?? ''}:${Boolean(tools.tokenizer)}`);
      fingerprints.set(config, fingerprint);
    }
    const key = cacheModule.LintCache.key(text, fingerprint);
    const hit = cache.get(file, key);
    if (hit) {
      reports.push({ filePath: file, source: text, result: hit });
      continue;
    }
    const report = await batch.lintFile(file, text);
    cache.set(file, key, report.result);
    reports.push(report);
  }
  cache.save();
  return reports;
}

/** Files per chunk of parallel work: large enough to keep messages rare, small enough to balance. */
const CHUNK_FILES = 100;

/**
 * Many files: a worker thread per spare CPU and this thread take chunks of the list as they become
 * free (a worker starts some 100 ms later than this thread, and files differ in cost), so all
 * finish together; reports come back in the original order.
 */
async function lintInParallel(list: string[], batch: Batch, batchOptions: import('../../lint/batch.js').BatchOptions) {
  const [{ Worker }, os, fs, url] = await Promise.all([import('node:worker_threads'), import('node:os'), import('node:fs'), import('node:url')]);
  const threads = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
  // The bundled CLI (dist/bundle/, scripts/bundle.mjs) keeps the worker beside its chunks; the
  // plain tsc output keeps it in dist/lint/.
  const bundledWorker = new URL('./lint-worker.js', import.meta.url);
  const workerUrl = fs.existsSync(url.fileURLToPath(bundledWorker)) ? bundledWorker : new URL('../../lint/lint-worker.js', import.meta.url);
  // Run from the TypeScript sources (tests), there is no compiled worker: stay in one thread.
  if (threads === 1 || !fs.existsSync(url.fileURLToPath(workerUrl))) {
    const reports: FileReport[] = [];
    for (const file of list) reports.push(await batch.lintFile(file));
    return { reports, notes: [] as string[] };
  }
  type Output = import('../../lint/lint-worker.js').WorkerOutput;
  const chunks: string[][] = [];
  for (let start = 0; start < list.length; start += CHUNK_FILES) chunks.push(list.slice(start, start + CHUNK_FILES));
  const results: FileReport[][] = new Array(chunks.length);
  const notes: string[] = [];
  let next = 0;
  const take = (): number => (next < chunks.length ? next++ : -1);
  const spawned: Array<import('node:worker_threads').Worker> = [];

  const workers = Array.from(
    { length: threads - 1 },
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(workerUrl, { workerData: { options: batchOptions } });
        spawned.push(worker);
        let inFlight = 0;
        let failed = false;
        const send = (): void => {
          const index = take();
          if (index < 0) return;
          inFlight++;
          worker.postMessage({ index, files: chunks[index] });
        };
        worker.on('message', (output: Output) => {
          inFlight--;
          if ('error' in output) {
            failed = true;
            void worker.terminate();
            reject(output.internal ? new Error(output.error) : new CliError(output.error));
            return;
          }
          results[output.index] = output.reports;
          notes.push(...output.notes);
          send();
          if (inFlight === 0) {
            void worker.terminate();
            resolve();
          }
        });
        worker.once('error', (error) => {
          if (!failed) reject(error);
        });
        // Two chunks in flight, so the worker never waits for this thread to answer.
        send();
        send();
        if (inFlight === 0) {
          void worker.terminate();
          resolve();
        }
      }),
  );
  const done = Promise.all(workers);
  // Until every chunk is taken, this thread lints chunks too, yielding to the event loop between
  // them so that workers asking for more are answered.
  let failure: unknown;
  done.catch((error: unknown) => (failure = error));
  try {
    for (let index = take(); index >= 0 && failure === undefined; index = take()) {
      const reports: FileReport[] = [];
      for (const file of chunks[index]!) reports.push(await batch.lintFile(file));
      results[index] = reports;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
  } finally {
    // On any failure, no worker is left running (they end themselves when all went well).
    for (const worker of spawned) void worker.terminate();
  }
  return { reports: results.flat(), notes };
}
