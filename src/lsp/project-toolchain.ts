/**
 * The real toolchain: the project's own stages behind the Toolchain interface. Each stage is loaded
 * on its own, so a stage that fails to load leaves the server running with the others (the failure
 * is reported once on stderr).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { LintLibrary } from '../lint/types.js';
import type { ConfigLoader } from '../config/index.js';
import type { ResolvedConfig, RuleSetting } from '../config/types.js';
import type { Conditioner } from '../semantics/conditioning.js';
import type { A1111Conditioning } from '../semantics/model.js';
import type { LibraryOptions as ToolchainLibraryOptions, LibrarySnapshot, LintInput, LintOptions, Toolchain } from './toolchain.js';

export async function loadToolchain(report: (message: string) => void = (message) => process.stderr.write(`${message}\n`)): Promise<Toolchain> {
  const load = async <T>(name: string, loader: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await loader();
    } catch (error) {
      report(`sdprompt lsp: ${name} unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const [grammar, semantics, conditioning, lint, config, format, tokenizer, library] = await Promise.all([
    load('parser', () => import('../grammar/index.js')),
    load('analyzer', () => import('../semantics/analyze.js')),
    load('A1111 model', () => import('../semantics/conditioning.js')),
    load('linter', () => import('../lint/index.js')),
    load('configuration', () => import('../config/index.js')),
    load('formatter', () => import('../format/index.js')),
    load('tokenizer', () => import('./chunks.js')),
    load('library', () => import('./library-adapter.js')),
  ]);
  if (!grammar) throw new Error('the parser could not be loaded');
  const toolchain: Toolchain = {
    parse: (text) => grammar.parse(text),
  };
  if (semantics && conditioning) {
    // A keystroke changes one prompt of a file: every other prompt's A1111 model comes from here.
    const condition = memoizedConditioner(conditioning.conditionPrompt, 256);
    toolchain.analyze = (ast, options) =>
      semantics.analyze(ast, { ...(options.filePath ? { path: options.filePath } : {}), ...(options.readFile ? { readFile: options.readFile } : {}), condition });
  }
  const chunker = tokenizer?.createChunker();
  const lintLibraries = new WeakMap<LibrarySnapshot, LintLibrary>();
  if (lint && config) {
    let loader: ConfigLoader | undefined;
    let loaderKey = '';
    const configFor = (options: LintOptions): Pick<ResolvedConfig, 'rules' | 'engine'> & { reportUnusedDisableDirectives: ResolvedConfig['reportUnusedDisableDirectives'] } => {
      const key = options.configFile ?? '';
      if (!loader || key !== loaderKey) {
        loader = new config.ConfigLoader(options.configFile ? { configFile: options.configFile } : {});
        loaderKey = key;
      }
      let resolved: ResolvedConfig | undefined;
      try {
        resolved = options.filePath ? loader.forFile(options.filePath) : loader.forDirectory(process.cwd());
      } catch (error) {
        // A broken config file is a diagnostic on the document (below), never a dead server.
        throw new ConfigProblem(error instanceof Error ? error.message : String(error));
      }
      const rules = new Map(resolved.rules);
      for (const [id, entry] of Object.entries(options.rules)) {
        const setting = toRuleSetting(entry);
        if (setting) rules.set(id, setting);
      }
      return { rules, engine: resolved.engine, reportUnusedDisableDirectives: resolved.reportUnusedDisableDirectives };
    };
    toolchain.lint = (input: LintInput, options: LintOptions) => {
      let resolved;
      try {
        resolved = configFor(options);
      } catch (error) {
        if (!(error instanceof ConfigProblem)) throw error;
        return { diagnostics: [...input.foreign, configDiagnostic(error.message, input.ast.range.start)] };
      }
      const result = lint.runRules(input.text, input.ast, input.model, input.foreign, {
        rules: lint.builtinRules,
        ruleConfig: resolved.rules,
        settings: { engine: resolved.engine },
        filePath: options.filePath,
        library: options.library && options.library.native !== undefined ? lintLibraryOf(options.library, lintLibraries) : undefined,
        tokenizer: chunker?.exactCounter(),
        reportUnusedDisableDirectives: resolved.reportUnusedDisableDirectives,
      });
      return { diagnostics: result.diagnostics };
    };
    toolchain.applyFixes = (text, diagnostics) => lint.applyFixes(text, diagnostics).output;
    toolchain.configDefaults = (dir, configFile) => {
      try {
        const loaderForDir = new config.ConfigLoader(configFile ? { configFile } : {});
        const resolved = loaderForDir.forDirectory(dir);
        const library = resolved.library;
        return {
          ...(library.loraDirs ? { loraFolders: library.loraDirs } : {}),
          ...(library.embeddingDirs ? { embeddingFolders: library.embeddingDirs } : {}),
          ...(library.wildcardDirs ? { wildcardFolders: library.wildcardDirs } : {}),
          ...(library.a1111Root ? { a1111Root: library.a1111Root } : {}),
          ...(library.comfyuiRoot ? { comfyuiRoot: library.comfyuiRoot } : {}),
          ...(library.engineUrl ? { engineUrl: library.engineUrl } : {}),
          ...(resolved.tokenizer.vocab ? { clipVocab: resolved.tokenizer.vocab } : {}),
        };
      } catch {
        return {};
      }
    };
    toolchain.invalidateConfig = () => loader?.invalidate();
  }
  if (format) {
    toolchain.format = (text) => format.format(text);
    toolchain.formatRange = (text, start, end) => format.formatRange(text, start, end);
  }
  if (chunker) {
    toolchain.chunks = (prompt, engine) => chunker.chunks(prompt, engine);
    toolchain.configureTokenizer = (options) => chunker.configure(options);
  }
  if (library) toolchain.openLibrary = (options: ToolchainLibraryOptions) => library.openLibrary(options);
  return toolchain;
}

class ConfigProblem extends Error {}

/**
 * Caches the A1111 model per (prompt text, schedule options), least recently used out first. The
 * model is a pure function of these (src/semantics/a1111), and its results are only read.
 */
function memoizedConditioner(condition: Conditioner, capacity: number): Conditioner {
  const cache = new Map<string, A1111Conditioning>();
  return (text, options) => {
    const key = `${options.steps}|${options.hiresSteps ?? ''}|${options.useOldScheduling ? 1 : 0}|${text}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const result = condition(text, options);
    cache.set(key, result);
    if (cache.size > capacity) cache.delete(cache.keys().next().value!);
    return result;
  };
}

function configDiagnostic(message: string, start: { offset: number; line: number; column: number }): Diagnostic {
  return {
    code: 'config/invalid',
    severity: 'error',
    message: `sdprompt.config.json: ${message}`,
    range: { start, end: start },
  };
}

/** Settings write rules as the config file does: `"warn"`, `["warn", {…}]`, 0/1/2. */
function toRuleSetting(entry: unknown): RuleSetting | undefined {
  const severityOf = (value: unknown): RuleSetting['severity'] | undefined => {
    if (value === 0 || value === 'off') return 'off';
    if (value === 1 || value === 'warn' || value === 'warning') return 'warn';
    if (value === 2 || value === 'error') return 'error';
    if (value === 'info') return 'info';
    return undefined;
  };
  if (Array.isArray(entry)) {
    const severity = severityOf(entry[0]);
    if (!severity) return undefined;
    const options = entry[1] && typeof entry[1] === 'object' ? (entry[1] as Record<string, unknown>) : {};
    return { severity, options };
  }
  const severity = severityOf(entry);
  return severity ? { severity, options: {} } : undefined;
}

/** The linter's view of the library snapshot (built once per snapshot, cached in `lintLibraries`). */
function lintLibraryOf(snapshot: LibrarySnapshot, lintLibraries: WeakMap<LibrarySnapshot, LintLibrary>): LintLibrary {
  let library = lintLibraries.get(snapshot);
  if (!library) {
    library = buildLintLibrary(snapshot);
    lintLibraries.set(snapshot, library);
  }
  return library;
}

function buildLintLibrary(snapshot: LibrarySnapshot): LintLibrary {
  const embeddings = new Set(snapshot.embeddings.map((name) => name.toLowerCase()));
  const wildcards = new Set(snapshot.wildcards);
  return {
    resolveLora: (name) => {
      const lora = snapshot.resolveLora(name);
      return lora ? { name: lora.name, triggerWords: lora.triggerWords, ...(lora.baseModel ? { family: lora.baseModel } : {}) } : undefined;
    },
    suggestLora: (name) => snapshot.suggestLora?.(name) ?? [],
    hasEmbedding: (name) => embeddings.has(name.toLowerCase()),
    hasWildcard: (name) => wildcards.has(name),
    checkpointFamily: (name) => snapshot.checkpointFamily?.(name),
    indexesEmbeddings: snapshot.embeddings.length > 0,
    indexesWildcards: snapshot.wildcards.length > 0,
  };
}
