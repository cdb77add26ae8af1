/**
 * The lint rule contract. A rule is one module exporting a `Rule`: its `meta` (what the docs,
 * the config schema and `sdprompt rules` are generated from) and a `check(context)` that reads
 * the AST and the semantic model (never the raw text) and reports diagnostics with fixes as data.
 *
 * Adding a rule is one file under `src/lint/rules/<category>/<name>.ts` plus its line in that
 * category's `index.ts`; the registry, the presets, the JSON Schema and the docs pick it up.
 */
import type { Diagnostic, Fix } from '../core/diagnostic.js';
import type { Position, PromptFile, PromptText, Range } from '../grammar/ast.js';
import type { EngineKind, FileModel, PromptModel, ResolvedPrompt } from '../semantics/model.js';

/** Severity as configuration writes it (ESLint's `off|warn|error`, plus `info` that never fails a run). */
export type RuleSeverity = 'off' | 'info' | 'warn' | 'error';

export type RuleCategory = 'syntax' | 'lora' | 'emphasis' | 'tokens' | 'prompt' | 'parameters' | 'engine';

/** A JSON Schema object (draft-07 subset) describing a rule's options. */
export type JsonSchema = Record<string, unknown>;

export interface RuleExample {
  /** A prompt file (any of the three forms). */
  code: string;
  /** Options for this example; the rule's defaults otherwise. */
  options?: Record<string, unknown>;
  /** Settings for this example (engine, …). */
  settings?: Partial<LintSettings>;
  /** For invalid examples: how many diagnostics the rule must report. */
  errors?: number;
  /** For fixable rules: the text after `applyFixes`. */
  output?: string;
  /** Names of LoRAs, embeddings, wildcards the example's library contains (see tests/lint). */
  library?: ExampleLibrary;
  /** Run with the real CLIP tokenizer (the tests load the shared vocabulary). */
  tokenizer?: boolean;
}

/** The in-memory library an example runs against (docs and tests build a LintLibrary from it). */
export interface ExampleLibrary {
  loras?: Array<{ name: string; triggerWords?: string[]; family?: string }>;
  embeddings?: string[];
  wildcards?: string[];
  checkpoints?: Array<{ name: string; family?: string }>;
}

export interface RuleMeta {
  /** `category/name`, stable; used in config, inline directives and output. */
  id: string;
  category: RuleCategory;
  /** One sentence, imperative-free: what the rule finds. */
  description: string;
  /** Severity in the `recommended` preset; `off` means only `strict` (or explicit config) enables it. */
  defaultSeverity: RuleSeverity;
  /** `code`: `--fix` applies its fix; `suggestion`: alternatives only, never applied automatically. */
  fixable?: 'code' | 'suggestion';
  /** JSON Schema of the options object (always an object). */
  schema?: JsonSchema;
  /** Default option values, merged under the configured ones. */
  defaultOptions?: Record<string, unknown>;
  /** What the rule needs beyond the AST and model; without it the rule is skipped (one note per run). */
  requires?: Array<'library' | 'tokenizer'>;
  /** Longer explanation for the generated docs (Markdown). */
  rationale?: string;
  examples: { valid: RuleExample[]; invalid: RuleExample[] };
}

/** What the linter knows about LoRAs, embeddings, wildcards and checkpoints (adapter over src/library). */
export interface LintLibrary {
  resolveLora(name: string): LintLora | undefined;
  /** Close names for "did you mean", best first. */
  suggestLora(name: string): string[];
  hasEmbedding(name: string): boolean;
  /** Wildcard name as written between `__…__` (may contain `/`). */
  hasWildcard(name: string): boolean;
  /** The base-model family of a checkpoint, when known. */
  checkpointFamily(name: string): string | undefined;
  /** True when the library has any embeddings / wildcards indexed (else unknown ones are not reported). */
  readonly indexesEmbeddings: boolean;
  readonly indexesWildcards: boolean;
}

export interface LintLora {
  name: string;
  triggerWords: string[];
  /** Base-model family (`sd1`, `sd2`, `sdxl`, `flux`, …) when known. */
  family?: string;
}

/** One token chunk of a prompt, mapped back to the prompt text (`ResolvedPrompt.text` offsets). */
export interface LintChunk {
  /** Tokens in this chunk (without start/end/padding). */
  tokenCount: number;
  /** Offset in `ResolvedPrompt.text` of the first character that produced a token, or -1 (empty chunk). */
  textStart: number;
  /** Offset just after the last character that produced a token, or -1. */
  textEnd: number;
}

/** Chunking as the target engine does it (adapter over src/tokenizer). */
export interface LintTokenizer {
  /** Chunks of the first AND part at its first schedule step, as the engine fills them. */
  chunks(prompt: ResolvedPrompt, engine: EngineKind): LintChunk[];
  /** The "n/target" count A1111 would show (maximum over AND parts and schedule steps). */
  count(prompt: ResolvedPrompt, engine: EngineKind): { count: number; target: number };
  /** True when counts are an estimate (no CLIP vocabulary found). */
  readonly approximate: boolean;
}

/** Project-wide settings a rule may read (from the config file; see docs/configuration.md). */
export interface LintSettings {
  /** The engine the file targets when it does not say (`engine:` parameter wins). */
  engine: EngineKind;
}

/** One prompt text of the file with where it sits (walkers hand these to rules). */
export interface PromptTextSite {
  node: PromptText;
  role: 'positive' | 'negative' | 'fragment';
  /** The prompt it belongs to (absent for fragments and the file-level negative). */
  prompt?: PromptModel;
  /** The model's view of this text when it has one (fragments expanded, A1111 conditioning). */
  resolved?: ResolvedPrompt;
}

/** A problem as a rule reports it; the runner adds the rule id and the configured severity. */
export interface RuleReport {
  range: Range;
  message: string;
  fix?: Fix;
  suggestions?: Fix[];
  /** Overrides the configured severity downwards only (e.g. a rule's own info-level notes). */
  severity?: 'info' | 'hint';
}

export interface RuleContext {
  readonly file: PromptFile;
  readonly model: FileModel;
  readonly filePath?: string;
  /** The rule's options: its defaults with the configured values merged over them. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly settings: Readonly<LintSettings>;
  readonly library?: LintLibrary;
  readonly tokenizer?: LintTokenizer;
  /** What the parser and the analyzer reported (rules that document a parser check re-report these). */
  readonly foreignDiagnostics: readonly Diagnostic[];
  /** Every prompt text of the file: positives, negatives, fragment bodies (document order per kind). */
  promptTexts(): PromptTextSite[];
  /** The engine a prompt targets: its `engine:` parameter, else the configured one. */
  engineOf(prompt?: PromptModel): EngineKind;
  /** Document position of a UTF-16 offset. */
  positionAt(offset: number): Position;
  /** Document range of `[start, end)` in a resolved prompt's text (through its source map). */
  rangeInResolved(resolved: ResolvedPrompt, start: number, end: number): Range;
  report(problem: RuleReport): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

/** What lint() returns for one file. */
export interface LintResult {
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  infoCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** True when the parser found errors (fixes are then never written). */
  hasSyntaxErrors: boolean;
  /** Enabled rules skipped because no library / tokenizer is configured. */
  skipped: Array<{ ruleId: string; needs: 'library' | 'tokenizer' }>;
}

/** A lint diagnostic; `code` is the rule id. Re-exported for readers of lint results. */
export type LintDiagnostic = Diagnostic;
