/**
 * Finding and resolving configuration: for each file, `sdprompt.config.json` (or the `sdprompt`
 * key of package.json; the former wins in the same folder) is looked for from the file's folder
 * upward. Every config found applies, the nearest last (so it wins); `root: true` stops the
 * search. Within a config: `extends` first, then `rules`, then the `overrides` whose globs match.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { builtinRules, presetNames, presetSeverity, type PresetName } from '../lint/registry.js';
import type { Rule, RuleSeverity } from '../lint/types.js';
import { ConfigValidator } from './validate.js';
import {
  ConfigError,
  type ConfigOverride,
  type IgnoreGlobs,
  type LibrarySettings,
  type ResolvedConfig,
  type RuleEntry,
  type RuleSetting,
  type SdpromptConfig,
} from './types.js';

export const CONFIG_FILE_NAME = 'sdprompt.config.json';

/** A config file read and validated, with its overrides' globs compiled. */
interface ConfigLayer {
  file: string;
  dir: string;
  config: SdpromptConfig;
  overrides: Array<{ override: ConfigOverride; matches: (relativePath: string) => boolean }>;
}

export interface ConfigLoaderOptions {
  /** The rules configuration may name (the built-in ones by default). */
  rules?: readonly Rule[];
  /** `--config FILE`: use this file alone; no search. */
  configFile?: string;
  /** Reads a file or returns undefined when it does not exist (tests and the language server pass their own). */
  readFile?: (file: string) => string | undefined;
}

function readFileIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
    throw new ConfigError(`cannot read: ${(error as Error).message}`, file);
  }
}

/** Parses JSON, turning the error position into line:column. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      throw new ConfigError(`invalid JSON at ${line}:${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`, file);
    }
    throw new ConfigError(`invalid JSON: ${message}`, file);
  }
}

function toSeverity(value: unknown): RuleSeverity {
  if (value === 0) return 'off';
  if (value === 1) return 'warn';
  if (value === 2) return 'error';
  return value as RuleSeverity;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Resolves configuration per file. Keeps what it read per folder, so linting thousands of files
 * reads each config once; `invalidate()` forgets it (the language server calls it on changes).
 */
export class ConfigLoader {
  private readonly rules: readonly Rule[];
  private readonly rulesById: Map<string, Rule>;
  private readonly readFile: (file: string) => string | undefined;
  private validator: ConfigValidator | undefined;
  private readonly layersByDir = new Map<string, ConfigLayer | null>();
  private readonly chainByDir = new Map<string, ConfigLayer[]>();
  private readonly resolvedByKey = new Map<string, ResolvedConfig>();
  private readonly layersByFile = new Map<string, ConfigLayer>();

  constructor(private readonly options: ConfigLoaderOptions = {}) {
    this.rules = options.rules ?? builtinRules;
    this.rulesById = new Map(this.rules.map((rule) => [rule.meta.id, rule]));
    this.readFile = options.readFile ?? readFileIfExists;
  }

  /** Forgets everything read (after a config file changed). */
  invalidate(): void {
    this.layersByDir.clear();
    this.chainByDir.clear();
    this.resolvedByKey.clear();
    this.layersByFile.clear();
  }

  /** The configuration for a file (absolute or relative to the process cwd). Throws ConfigError. */
  forFile(filePath: string): ResolvedConfig {
    const absolute = path.resolve(filePath);
    const chain = this.options.configFile
      ? [this.loadLayer(path.resolve(this.options.configFile), [])]
      : this.chainFor(path.dirname(absolute));
    const matchKey = chain
      .map((layer) => layer.overrides.map((entry) => (entry.matches(path.relative(layer.dir, absolute)) ? '1' : '0')).join(''))
      .join('|');
    const key = `${chain.map((layer) => layer.file).join('\0')}\0${matchKey}`;
    let resolved = this.resolvedByKey.get(key);
    if (!resolved) {
      resolved = this.resolve(chain, absolute);
      this.resolvedByKey.set(key, resolved);
    }
    return resolved;
  }

  /** The configuration when there is no file (stdin without a name): the cwd's chain. */
  forDirectory(dir: string): ResolvedConfig {
    return this.forFile(path.join(dir, '__stdin__.sdprompt'));
  }

  /** The config files found for a folder, farthest first. */
  private chainFor(dir: string): ConfigLayer[] {
    const cached = this.chainByDir.get(dir);
    if (cached) return cached;
    const layer = this.layerIn(dir);
    let chain: ConfigLayer[];
    const parent = path.dirname(dir);
    if (layer?.config.root === true || parent === dir) {
      chain = layer ? [layer] : [];
    } else {
      chain = [...this.chainFor(parent), ...(layer ? [layer] : [])];
    }
    this.chainByDir.set(dir, chain);
    return chain;
  }

  private layerIn(dir: string): ConfigLayer | null {
    if (this.layersByDir.has(dir)) return this.layersByDir.get(dir)!;
    let layer: ConfigLayer | null = null;
    const configPath = path.join(dir, CONFIG_FILE_NAME);
    const text = this.readFile(configPath);
    if (text !== undefined) {
      layer = this.makeLayer(configPath, parseJsonFile(text, configPath));
    } else {
      const packagePath = path.join(dir, 'package.json');
      const packageText = this.readFile(packagePath);
      if (packageText !== undefined) {
        const manifest = parseJsonFile(packageText, packagePath) as Record<string, unknown> | null;
        if (manifest && typeof manifest === 'object' && 'sdprompt' in manifest) {
          layer = this.makeLayer(`${packagePath}#sdprompt`, manifest.sdprompt);
        }
      }
    }
    this.layersByDir.set(dir, layer);
    return layer;
  }

  private loadLayer(file: string, seen: string[]): ConfigLayer {
    const cached = this.layersByFile.get(file);
    if (cached) return cached;
    if (seen.includes(file)) throw new ConfigError(`"extends" cycle: ${[...seen, file].join(' → ')}`, file);
    const text = this.readFile(file);
    if (text === undefined) throw new ConfigError('config file not found', file);
    const value = parseJsonFile(text, file);
    const layer = this.makeLayer(file, file.endsWith('package.json') ? (value as Record<string, unknown>)?.sdprompt ?? {} : value);
    this.layersByFile.set(file, layer);
    return layer;
  }

  private makeLayer(file: string, value: unknown): ConfigLayer {
    this.validator ??= new ConfigValidator(this.rules);
    const config = this.validator.validate(value, file);
    const dir = path.dirname(file.replace(/#sdprompt$/, ''));
    const overrides = (config.overrides ?? []).map((override) => {
      const include = picomatch(asList(override.files), { dot: true, matchBase: false });
      const exclude = override.excludedFiles ? picomatch(asList(override.excludedFiles), { dot: true }) : () => false;
      return {
        override,
        matches: (relativePath: string) => {
          const posix = relativePath.split(path.sep).join('/');
          return include(posix) && !exclude(posix);
        },
      };
    });
    return { file, dir, config, overrides };
  }

  private resolve(chain: ConfigLayer[], absoluteFile: string): ResolvedConfig {
    const state: ResolvedConfig = {
      rules: new Map(),
      engine: 'a1111',
      library: {},
      tokenizer: {},
      ignores: [],
      reportUnusedDisableDirectives: 'off',
      sources: [],
    };
    // With no `extends` anywhere, start from `recommended` (an explicit `"extends": []` starts empty).
    if (!chain.some((layer) => layer.config.extends !== undefined)) this.applyPreset(state, 'recommended');
    for (const layer of chain) this.applyLayer(state, layer, absoluteFile, []);
    return state;
  }

  private applyLayer(state: ResolvedConfig, layer: ConfigLayer, absoluteFile: string, seen: string[]): void {
    const { config, dir } = layer;
    for (const base of asList(config.extends)) {
      const preset = base.replace(/^sdprompt:/, '');
      if ((presetNames as readonly string[]).includes(preset)) {
        this.applyPreset(state, preset as PresetName);
      } else if (base.startsWith('.') || path.isAbsolute(base)) {
        const target = path.resolve(dir, base);
        this.applyLayer(state, this.loadLayer(target, [...seen, layer.file]), absoluteFile, [...seen, layer.file]);
      } else {
        throw new ConfigError(
          `"extends": unknown preset "${base}"; use ${presetNames.map((name) => `"${name}"`).join(' or ')}, or a relative path like "./base.json"`,
          layer.file,
        );
      }
    }
    this.applyRules(state, config.rules);
    if (config.engine) state.engine = config.engine;
    if (config.library) state.library = { ...state.library, ...resolveLibraryPaths(config.library, dir) };
    if (config.tokenizer?.vocab) state.tokenizer = { vocab: path.resolve(dir, config.tokenizer.vocab) };
    if (config.ignores?.length) state.ignores = [...state.ignores, { base: dir, patterns: config.ignores }];
    if (config.reportUnusedDisableDirectives) state.reportUnusedDisableDirectives = config.reportUnusedDisableDirectives;
    const relative = path.relative(dir, absoluteFile);
    for (const { override, matches } of layer.overrides) {
      if (!matches(relative)) continue;
      this.applyRules(state, override.rules);
      if (override.engine) state.engine = override.engine;
    }
    if (!state.sources.includes(layer.file)) state.sources.push(layer.file);
  }

  private applyPreset(state: ResolvedConfig, preset: PresetName): void {
    for (const rule of this.rules) {
      const previous = state.rules.get(rule.meta.id);
      state.rules.set(rule.meta.id, {
        severity: presetSeverity(rule, preset),
        options: previous?.options ?? { ...(rule.meta.defaultOptions ?? {}) },
      });
    }
  }

  private applyRules(state: ResolvedConfig, rules: Record<string, RuleEntry> | undefined): void {
    if (!rules) return;
    for (const [id, entry] of Object.entries(rules)) {
      const [severityValue, options] = Array.isArray(entry) ? entry : [entry, undefined];
      const defaults = this.rulesById.get(id)?.meta.defaultOptions ?? {};
      const previous = state.rules.get(id);
      const setting: RuleSetting = {
        severity: toSeverity(severityValue),
        options: options ? { ...defaults, ...options } : previous?.options ?? { ...defaults },
      };
      state.rules.set(id, setting);
    }
  }
}

function resolveLibraryPaths(library: LibrarySettings, dir: string): LibrarySettings {
  const resolveAll = (list: string[] | undefined) => list?.map((entry) => path.resolve(dir, entry));
  const result: LibrarySettings = { ...library };
  if (library.loraDirs) result.loraDirs = resolveAll(library.loraDirs);
  if (library.embeddingDirs) result.embeddingDirs = resolveAll(library.embeddingDirs);
  if (library.wildcardDirs) result.wildcardDirs = resolveAll(library.wildcardDirs);
  if (library.checkpointDirs) result.checkpointDirs = resolveAll(library.checkpointDirs);
  if (library.a1111Root) result.a1111Root = path.resolve(dir, library.a1111Root);
  if (library.comfyuiRoot) result.comfyuiRoot = path.resolve(dir, library.comfyuiRoot);
  return result;
}

/** True when a config file exists in `dir` (for `sdprompt init`). */
export function hasConfigIn(dir: string): string | undefined {
  const configPath = path.join(dir, CONFIG_FILE_NAME);
  if (existsSync(configPath)) return configPath;
  return undefined;
}

/** Whether an absolute path is ignored by the resolved ignores (node_modules always is). */
export function isIgnoredBy(ignores: readonly IgnoreGlobs[], absolutePath: string): boolean {
  if (absolutePath.split(path.sep).includes('node_modules')) return true;
  for (const { base, patterns } of ignores) {
    const relative = path.relative(base, absolutePath).split(path.sep).join('/');
    if (relative.startsWith('..')) continue;
    if (picomatch.isMatch(relative, patterns, { dot: true })) return true;
  }
  return false;
}
