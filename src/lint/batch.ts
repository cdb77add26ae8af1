/**
 * Linting many files with one configuration loader, one library and one tokenizer per distinct
 * configuration: what `sdprompt lint` runs, in the main thread and in its worker threads.
 * Problems that stop the run (a broken config, an unreadable file, an unwritable fix) are thrown
 * as BatchError with a one-line message.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfiguredLibraries } from '../config/library.js';
import { ConfigLoader } from '../config/load.js';
import { ConfigError, type ResolvedConfig } from '../config/types.js';
import { lintLibraryFrom, openTokenizer } from './adapters.js';
import { lint, lintAndFix, type LintOptions } from './lint.js';
import type { FileReport } from './reporters/types.js';
import type { LintLibrary, LintTokenizer, RuleSeverity } from './types.js';

export class BatchError extends Error {
  override name = 'BatchError';
}

export interface BatchOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** --config (absolute). */
  configFile?: string;
  fix?: boolean;
  fixDryRun?: boolean;
  reportUnusedDisableDirectives?: RuleSeverity;
  noInlineConfig?: boolean;
}

export class LintBatch {
  readonly loader: ConfigLoader;
  /** One library per distinct `library` section (shared with compile and render: src/config/library.ts). */
  private readonly libraries: ConfiguredLibraries<LintLibrary>;
  private readonly tokenizers = new Map<string, Promise<LintTokenizer | undefined>>();

  /** Notes for stderr (library problems), each once. */
  get notes(): string[] {
    return this.libraries.notes;
  }

  constructor(private readonly options: BatchOptions) {
    this.loader = new ConfigLoader(options.configFile ? { configFile: options.configFile } : {});
    this.libraries = new ConfiguredLibraries(options.env, lintLibraryFrom);
  }

  configFor(file: string): ResolvedConfig {
    try {
      return this.loader.forFile(file);
    } catch (error) {
      if (error instanceof ConfigError) throw new BatchError(error.message);
      throw error;
    }
  }

  async toolsFor(config: ResolvedConfig): Promise<Pick<LintOptions, 'library' | 'tokenizer'>> {
    const library = this.libraries.for(config)?.catch((error: unknown) => {
      throw error instanceof ConfigError ? new BatchError(error.message) : error;
    });
    const tokenizerKey = config.tokenizer.vocab ?? '';
    let tokenizer = this.tokenizers.get(tokenizerKey);
    if (!tokenizer) {
      tokenizer = openTokenizer(config.tokenizer, this.options.env as NodeJS.ProcessEnv, this.options.cwd).catch((error: Error) => {
        throw new BatchError(`cannot load the CLIP vocabulary ${config.tokenizer.vocab ?? this.options.env.SDPROMPT_CLIP_VOCAB ?? ''}: ${error.message}`);
      });
      this.tokenizers.set(tokenizerKey, tokenizer);
    }
    const [openedLibrary, openedTokenizer] = await Promise.all([library, tokenizer]);
    return { ...(openedLibrary ? { library: openedLibrary } : {}), ...(openedTokenizer ? { tokenizer: openedTokenizer } : {}) };
  }

  private readonly readInclude = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };

  async lintOptionsFor(config: ResolvedConfig, filePath: string | undefined): Promise<LintOptions> {
    return {
      ...(filePath ? { filePath } : {}),
      config,
      ...(await this.toolsFor(config)),
      readFile: this.readInclude,
      ...(this.options.reportUnusedDisableDirectives ? { reportUnusedDisableDirectives: this.options.reportUnusedDisableDirectives } : {}),
      noInlineConfig: Boolean(this.options.noInlineConfig),
    };
  }

  /** Lints text that is not (or not yet) a file: stdin. Fixes are never written. */
  async lintText(text: string, filePath: string | undefined, displayPath: string): Promise<FileReport> {
    const config = this.configFor(filePath ?? path.join(this.options.cwd, '__stdin__.sdprompt'));
    const lintOptions = await this.lintOptionsFor(config, filePath);
    if (this.options.fix || this.options.fixDryRun) {
      const fixed = lintAndFix(text, lintOptions);
      return { filePath: displayPath, source: fixed.output, result: fixed, ...(fixed.output !== text ? { output: fixed.output } : {}) };
    }
    return { filePath: displayPath, source: text, result: lint(text, lintOptions) };
  }

  readSource(file: string): string {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new BatchError(`cannot read ${path.relative(this.options.cwd, file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }

  /** Lints one file; with --fix writes the fixed text atomically (never for files with syntax errors). */
  async lintFile(file: string, text = this.readSource(file)): Promise<FileReport> {
    const config = this.configFor(file);
    const lintOptions = await this.lintOptionsFor(config, file);
    if (this.options.fix || this.options.fixDryRun) {
      const fixed = lintAndFix(text, lintOptions);
      if (this.options.fix && fixed.output !== text && !fixed.hasSyntaxErrors) writeAtomically(file, fixed.output);
      return { filePath: file, source: fixed.output, result: fixed, ...(this.options.fixDryRun && fixed.output !== text ? { output: fixed.output } : {}) };
    }
    return { filePath: file, source: text, result: lint(text, lintOptions) };
  }
}

/** Temp file in the same folder, then rename: a crash leaves either the old or the new file, never half of one. */
export function writeAtomically(file: string, text: string): void {
  const temp = `${file}.sdprompt-fix-${process.pid}-${Date.now()}.tmp`;
  try {
    const mode = statSync(file).mode;
    writeFileSync(temp, text, { mode });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new BatchError(`cannot write the fixes to ${file}: ${(error as Error).message}`);
  }
}
