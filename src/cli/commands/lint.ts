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
    .action(async (patterns: string[], options: LintCommandOptions) => {
      context.exitCode = await runLint(patterns, options, context);
    });
}

async function runLint(patterns: string[], options: LintCommandOptions, context: CliContext): Promise<number> {
  const { reporters } = await import('../../lint/reporters/index.js');
  const reporter = reporters[options.format];
  if (!reporter) throw new CliError(`unknown --format "${options.format}"; use ${Object.keys(reporters).join(', ')}`);
  const maxWarnings = Number(options.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new CliError(`--max-warnings must be an integer ≥ -1, got "${options.maxWarnings}"`);
  if (options.stdin && patterns.length > 0) throw new CliError('--stdin lints standard input; do not also name files');
  if (options.stdinFilename && !options.stdin) throw new CliError('--stdin-filename needs --stdin');

  const [{ ConfigLoader, ConfigError }, { lint, lintAndFix, skippedRuleNotes, builtinRules }, files, fs, path] = await Promise.all([
    import('../../config/index.js'),
    import('../../lint/index.js'),
    import('../../lint/files.js'),
    import('node:fs'),
    import('node:path'),
  ]);
  const loader = new ConfigLoader({ ...(options.config ? { configFile: path.resolve(context.cwd, options.config) } : {}) });
  const configFor = (file: string) => {
    try {
      return loader.forFile(file);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
  };
  const readInclude = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const unused = options.reportUnusedDisableDirectives ? ('warn' as const) : undefined;
  // One library / tokenizer per distinct configuration (usually exactly one per run).
  const adapters = await import('../../lint/adapters.js');
  const libraries = new Map<string, Promise<import('../../lint/types.js').LintLibrary | undefined>>();
  const tokenizers = new Map<string, Promise<import('../../lint/types.js').LintTokenizer | undefined>>();
  const toolsFor = async (config: import('../../config/types.js').ResolvedConfig) => {
    let library: Promise<import('../../lint/types.js').LintLibrary | undefined> | undefined;
    if (adapters.hasLibrarySettings(config.library)) {
      const key = JSON.stringify(config.library);
      library = libraries.get(key);
      if (!library) {
        library = adapters.openLibrary(config.library, context.env).then(
          ({ library: opened, problems }) => {
            for (const problem of problems.slice(0, 5)) context.stderr.write(`note: library: ${problem}\n`);
            if (problems.length > 5) context.stderr.write(`note: library: ${problems.length - 5} more problems (run "sdprompt loras" for details)\n`);
            return opened;
          },
          (error: Error) => {
            throw new CliError(`cannot open the LoRA library configured in ${config.sources.at(-1) ?? 'the configuration'}: ${error.message}`);
          },
        );
        libraries.set(key, library);
      }
    }
    const tokenizerKey = config.tokenizer.vocab ?? '';
    let tokenizer = tokenizers.get(tokenizerKey);
    if (!tokenizer) {
      tokenizer = adapters.openTokenizer(config.tokenizer, context.env, context.cwd).catch((error: Error) => {
        throw new CliError(`cannot load the CLIP vocabulary ${config.tokenizer.vocab ?? context.env.SDPROMPT_CLIP_VOCAB ?? ''}: ${error.message}`);
      });
      tokenizers.set(tokenizerKey, tokenizer);
    }
    const [openedLibrary, openedTokenizer] = await Promise.all([library, tokenizer]);
    return { ...(openedLibrary ? { library: openedLibrary } : {}), ...(openedTokenizer ? { tokenizer: openedTokenizer } : {}) };
  };
  const reports: Array<import('../../lint/reporters/index.js').FileReport> = [];
  const skipped: Array<{ ruleId: string; needs: 'library' | 'tokenizer' }> = [];

  if (options.stdin) {
    const { readAll } = await import('../context.js');
    const text = await readAll(context.stdin);
    const filePath = options.stdinFilename ? path.resolve(context.cwd, options.stdinFilename) : '<stdin>';
    const config = configFor(options.stdinFilename ? filePath : path.join(context.cwd, '__stdin__.sdprompt'));
    const lintOptions = {
      ...(options.stdinFilename ? { filePath } : {}),
      ...(await toolsFor(config)),
      config,
      readFile: readInclude,
      reportUnusedDisableDirectives: unused,
      noInlineConfig: !options.inlineConfig,
    };
    if (options.fix || options.fixDryRun) {
      const fixed = lintAndFix(text, lintOptions);
      reports.push({ filePath, source: fixed.output, result: fixed, ...(fixed.output !== text ? { output: fixed.output } : {}) });
    } else {
      reports.push({ filePath, source: text, result: lint(text, lintOptions) });
    }
    skipped.push(...reports[0]!.result.skipped);
  } else {
    const rootConfig = configFor(path.join(context.cwd, '__root__.sdprompt'));
    const isIgnored = files.ignoreMatcher(rootConfig.ignores);
    const search = await files.findPromptFiles(patterns, context.cwd, isIgnored);
    if (search.unmatched.length > 0 && search.files.length === 0) {
      throw new CliError(`no prompt files match ${search.unmatched.map((pattern) => `"${pattern}"`).join(', ')} (looked for *.sdprompt and *.prompt.txt)`);
    }
    let cache: import('../../lint/cache.js').LintCache | undefined;
    let cacheModule: typeof import('../../lint/cache.js') | undefined;
    if (options.cache) {
      cacheModule = await import('../../lint/cache.js');
      const location = options.cacheLocation ? path.resolve(context.cwd, options.cacheLocation) : cacheModule.defaultLintCacheFile(context.env, context.cwd);
      cache = new cacheModule.LintCache(location, VERSION);
    }
    const fingerprints = new Map<object, string>();
    for (const file of search.files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${path.relative(context.cwd, file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const config = configFor(file);
      const tools = await toolsFor(config);
      const lintOptions = { filePath: file, config, ...tools, readFile: readInclude, reportUnusedDisableDirectives: unused, noInlineConfig: !options.inlineConfig };
      if (options.fix || options.fixDryRun) {
        const fixed = lintAndFix(text, lintOptions);
        if (options.fix && fixed.output !== text && !fixed.hasSyntaxErrors) writeAtomically(fs, file, fixed.output);
        reports.push({ filePath: file, source: fixed.output, result: fixed, ...(options.fixDryRun && fixed.output !== text ? { output: fixed.output } : {}) });
        skipped.push(...fixed.skipped);
        continue;
      }
      let key: string | undefined;
      // Library contents are not part of the key, so results that depend on a library are not cached.
      if (cache && cacheModule && !tools.library) {
        let fingerprint = fingerprints.get(config);
        if (!fingerprint) {
          fingerprint = cacheModule.configFingerprint(config, `${options.inlineConfig}:${unused ?? ''}`);
          fingerprints.set(config, fingerprint);
        }
        key = cacheModule.LintCache.key(text, fingerprint);
        const hit = cache.get(file, key);
        if (hit) {
          reports.push({ filePath: file, source: text, result: hit });
          skipped.push(...hit.skipped);
          continue;
        }
      }
      const result = lint(text, lintOptions);
      // Files with includes depend on other files' content: never cache them.
      if (cache && key && !/^\s*@include\b/m.test(text)) cache.set(file, key, result);
      reports.push({ filePath: file, source: text, result });
      skipped.push(...result.skipped);
    }
    cache?.save();
  }

  const output = reporter(reports, { cwd: context.cwd, color: options.color && useColor(context), rules: builtinRules, version: VERSION, quiet: Boolean(options.quiet) });
  context.stdout.write(output);
  if (!options.quiet) {
    for (const note of skippedRuleNotes(skipped)) context.stderr.write(`note: ${note}\n`);
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

/** Temp file in the same folder, then rename: a crash leaves either the old or the new file, never half of one. */
function writeAtomically(fs: typeof import('node:fs'), file: string, text: string): void {
  const temp = `${file}.sdprompt-fix-${process.pid}.tmp`;
  try {
    const mode = fs.statSync(file).mode;
    fs.writeFileSync(temp, text, { mode });
    fs.renameSync(temp, file);
  } catch (error) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // nothing more to clean up
    }
    throw new CliError(`cannot write the fixes to ${file}: ${(error as Error).message}`);
  }
}
