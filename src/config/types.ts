/**
 * The shape of `sdprompt.config.json` (or the `sdprompt` key of package.json), as written by users,
 * and the per-file configuration resolved from it. See docs/configuration.md.
 */
import type { EngineKind } from '../semantics/model.js';
import type { RuleSeverity } from '../lint/types.js';

/** `"warn"`, `["warn", {options}]`, or the numbers ESLint also accepts (0 off, 1 warn, 2 error). */
export type RuleEntry = RuleSeverity | 0 | 1 | 2 | [RuleSeverity | 0 | 1 | 2] | [RuleSeverity | 0 | 1 | 2, Record<string, unknown>];

export interface LibrarySettings {
  /** Folders of LoRA files (relative paths are relative to the config file). */
  loraDirs?: string[];
  embeddingDirs?: string[];
  wildcardDirs?: string[];
  checkpointDirs?: string[];
  /** An A1111 / Forge install: models/Lora, models/LyCORIS, embeddings, models/Stable-diffusion. */
  a1111Root?: string;
  /** A ComfyUI install: models/loras, models/embeddings, models/checkpoints. */
  comfyuiRoot?: string;
  /** A running engine to ask for its LoRAs (e.g. http://127.0.0.1:7860). */
  engineUrl?: string;
}

export interface TokenizerSettings {
  /** A CLIP vocabulary: a directory, vocab.json/merges.txt, or bpe_simple_vocab_16e6.txt.gz. */
  vocab?: string;
}

export interface ConfigOverride {
  /** Globs (picomatch) relative to the config file's folder. */
  files: string | string[];
  excludedFiles?: string | string[];
  rules?: Record<string, RuleEntry>;
  engine?: EngineKind;
}

export interface SdpromptConfig {
  $schema?: string;
  /** Stop looking for configuration in parent folders. */
  root?: boolean;
  /** Presets (`recommended`, `strict`) or relative paths of other config files; later entries win. */
  extends?: string | string[];
  rules?: Record<string, RuleEntry>;
  overrides?: ConfigOverride[];
  /** Globs of files and folders the CLI never lints (node_modules is always ignored). */
  ignores?: string[];
  /** The engine prompt files target unless they say `engine:` themselves. Default a1111. */
  engine?: EngineKind;
  library?: LibrarySettings;
  tokenizer?: TokenizerSettings;
  /** Report inline disable comments that suppress nothing. */
  reportUnusedDisableDirectives?: 'off' | 'info' | 'warn' | 'error';
}

/** A rule's effective setting for one file. */
export interface RuleSetting {
  severity: RuleSeverity;
  options: Record<string, unknown>;
}

/** The configuration in effect for one file: everything resolved, paths absolute. */
export interface ResolvedConfig {
  rules: Map<string, RuleSetting>;
  engine: EngineKind;
  library: LibrarySettings;
  tokenizer: TokenizerSettings;
  /** Ignore globs with the folder they are relative to. */
  ignores: IgnoreGlobs[];
  reportUnusedDisableDirectives: 'off' | 'info' | 'warn' | 'error';
  /** The config files that contributed, farthest first (empty when none was found). */
  sources: string[];
}

export interface IgnoreGlobs {
  base: string;
  patterns: string[];
}

/** A configuration problem: what is wrong, where, and how to fix it. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'ConfigError';
  }
}
