/**
 * The project API the server is a thin shell over, as one injectable object (Langium's services
 * pattern): tests hand the server a toolchain, `loadToolchain()` builds the real one from
 * src/index.ts, src/lint, src/format, src/tokenizer and src/library. Every stage but `parse` is
 * optional so that the server keeps working, with fewer features, when a stage is unavailable.
 */
import type { Diagnostic, TextEdit } from '../core/diagnostic.js';
import type { PromptFile } from '../grammar/ast.js';
import type { EngineKind, FileModel, ResolvedPrompt } from '../semantics/model.js';

export interface ParseOutput {
  ast: PromptFile;
  diagnostics: Diagnostic[];
}

export type FormatOutput = { output: string; changed: boolean } | { error: Diagnostic[] };

export interface AnalyzeOptions {
  filePath?: string;
  /** Reads an included file; undefined when it cannot be read. */
  readFile?: (path: string) => string | undefined;
}

export interface LintInput {
  text: string;
  ast: PromptFile;
  model: FileModel;
  foreign: Diagnostic[];
}

export interface LintOptions {
  filePath?: string;
  /** Rule configuration from the settings (`{"lora/unknown": "error"}`), over the config file's. */
  rules: Record<string, unknown>;
  /** An explicit config file path; otherwise the linter finds one upward from `filePath`. */
  configFile?: string;
  library?: LibrarySnapshot;
}

/** One token chunk of a prompt with where it ends in the document. */
export interface ChunkSpan {
  tokenCount: number;
  /** The chunk's capacity (75 for A1111). */
  capacity: number;
  /** Offset in `ResolvedPrompt.text` of the first character that produced a token, or -1. */
  textStart: number;
  /** Offset just after the last character that produced a token, or -1. */
  textEnd: number;
}

export interface ChunkOutput {
  chunks: ChunkSpan[];
  /** True when counts are an estimate (no CLIP vocabulary found). */
  approximate: boolean;
}

/** What the server shows about a LoRA (read from src/library's LoraEntry). */
export interface LoraInfo {
  name: string;
  alias?: string;
  /** Absolute path of the file, when on disk. */
  path?: string;
  relativePath?: string;
  baseModel?: string;
  triggerWords: string[];
  preferredWeight?: number;
  previewImage?: string;
  rank?: number;
  alpha?: number;
  /** The hashes users see (AutoV2, A1111's LoRA hash). */
  hashes: Record<string, string>;
  description?: string;
  algorithm?: string;
}

/** A read-only view of the library at one moment; completion and lint read the same snapshot. */
export interface LibrarySnapshot {
  loras: LoraInfo[];
  embeddings: string[];
  wildcards: string[];
  resolveLora(name: string): LoraInfo | undefined;
  /** Close names for "did you mean", best first. */
  suggestLora?(name: string): string[];
  /** The base-model family of a checkpoint, when known. */
  checkpointFamily?(name: string): string | undefined;
  /** Computes the file hashes of a LoRA (lazily: reading a file takes time) into `info.hashes`. */
  loadHashes?(info: LoraInfo): Promise<void>;
  /** The library's own object (set by the real library; absent for the empty snapshot). */
  native?: unknown;
}

export interface LibraryOptions {
  loraFolders: string[];
  embeddingFolders: string[];
  wildcardFolders: string[];
  a1111Root?: string;
  comfyuiRoot?: string;
  engineUrl?: string;
}

export interface LibraryHandle {
  /** Scans (or rescans) everything and returns a new snapshot plus problems found. */
  scan(): Promise<{ snapshot: LibrarySnapshot; diagnostics: Diagnostic[] }>;
  /** Calls `onChange` when files under the LoRA folders change; returns a disposer. */
  watch?(onChange: () => void): () => void;
  dispose?(): void;
}

export interface Toolchain {
  parse(text: string, options?: { filePath?: string }): ParseOutput;
  analyze?(ast: PromptFile, options: AnalyzeOptions): FileModel;
  /**
   * Runs the rules over an analysis already made. `foreign` are the parser's and analyzer's
   * diagnostics: the linter re-grades them by configuration and inline directives, and returns them
   * among its own.
   */
  lint?(input: LintInput, options: LintOptions): { diagnostics: Diagnostic[] };
  /** Forgets cached configuration (a config file changed). */
  invalidateConfig?(): void;
  /** Applies every safe fix (to a fixpoint) and returns the new text. */
  applyFixes?(text: string, diagnostics: Diagnostic[]): string;
  format?(text: string): FormatOutput;
  /** Reprints the whole prompts and blocks [start, end) touches: at most one edit. */
  formatRange?(text: string, start: number, end: number): { edits: TextEdit[] } | { error: Diagnostic[] };
  /** A1111 chunking of the first AND part at its first schedule step. */
  chunks?(prompt: ResolvedPrompt, engine: EngineKind): ChunkOutput;
  /** Loads the CLIP vocabulary for `chunks` (explicit path, else discovery); false when none was found. */
  configureTokenizer?(options: { vocab?: string; a1111Root?: string; comfyuiRoot?: string }): boolean;
  openLibrary?(options: LibraryOptions): LibraryHandle;
  /**
   * The library and vocabulary settings of the sdprompt.config.json that governs `dir` (paths
   * absolute); the editor's own settings win over them.
   */
  configDefaults?(dir: string, configFile?: string): Partial<LibraryOptions> & { clipVocab?: string };
}

export const EMPTY_LIBRARY: LibrarySnapshot = Object.freeze({
  loras: [],
  embeddings: [],
  wildcards: [],
  resolveLora: () => undefined,
});
