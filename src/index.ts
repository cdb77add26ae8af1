/**
 * sdprompt's public API (docs/api.md). Stable: the linter, formatter, language server and compilers
 * build on exactly these.
 */
export { parse, detectForm, documentLines, type ParseOptions, type ParseResult } from './grammar/parse.js';
export { parsePromptText } from './grammar/prompt-text.js';
export { LineIndex, SourceRange, plainRange } from './grammar/line-index.js';
export { textIndexOf } from './grammar/source-map.js';
export { KNOWN_NETWORK_TYPES, unescapePromptText } from './grammar/prompt-ast.js';
export { DIRECTIVES, type DirectiveName } from './grammar/structured.js';
export { closestName } from './grammar/did-you-mean.js';
export type * from './grammar/ast.js';

export { analyze, type AnalyzeOptions } from './semantics/analyze.js';
export { resolveIncludePath, includeTarget } from './semantics/includes.js';
export { fragmentRefs } from './semantics/fragments.js';
export { findExtraNetworks, loraUsesOf } from './semantics/loras.js';
export { defaultParameters } from './semantics/parameters.js';
export {
  ENGINES,
  SAMPLERS,
  SCHEDULERS,
  normalizeKey,
  resolveSampler,
  resolveScheduler,
  samplerLabels,
} from './semantics/parameter-values.js';
export type * from './semantics/model.js';
export {
  A1111Error,
  DEFAULT_STEPS,
  LORA_TYPES,
  conditionA1111,
  loraUses,
  parseExtraNetworks,
  parsePromptAttention,
  promptSchedules,
  scheduleStructure,
  splitAnd,
  stringifyPythonJson,
  toExplainJson,
  type AndPart,
  type ExplainJson,
  type ExtraNetworkParse,
  type PromptSchedules,
  type RangeOf,
} from './semantics/a1111/index.js';
export type { Conditioner } from './semantics/conditioning.js';

export type { Diagnostic, Fix, Severity, TextEdit } from './core/diagnostic.js';

export {
  ClipTokenizer,
  FRONT_ENDS,
  PromptTokenCounter,
  TokenEstimate,
  VocabularyError,
  chunkA1111,
  chunkComfy,
  countA1111,
  discoverVocabulary,
  loadVocabulary,
  missingVocabularyMessage,
  targetTokenCount,
  vocabularyFromGzip,
  vocabularyFromHuggingFace,
  type A1111TokenCount,
  type A1111Chunking,
  type ChunkSpan,
  type ChunkToken,
  type ClipVocabulary,
  type ComfyChunking,
  type DiscoveryOptions,
  type DiscoveryResult,
  type EncodedText,
  type FrontEnd,
  type PromptChunk,
  type TokenSource,
  type VocabularyLocation,
} from './tokenizer/index.js';
export { comfyTokenWeights, comfyWeightedSegments, type ComfyWeightedText } from './semantics/comfyui.js';

export {
  format,
  formatRange,
  type FormatFailure,
  type FormatOptions,
  type FormatResult,
  type FormatSuccess,
  type RangeFormatResult,
  type RangeFormatSuccess,
} from './format/index.js';
export { sameConditioning, sameFileMeaning, type Equivalence } from './format/equivalence.js';

export {
  createLibrary,
  validateLibraryOptions,
  defaultCacheDir,
  formatCard,
  baseModelLabel,
  type LoraLibrary,
  type LibraryOptions,
  type EngineSourceOptions,
  type LoraCard,
  type LoraEntry,
  type EmbeddingEntry,
  type WildcardEntry,
  type CheckpointEntry,
  type FileHashes,
  type ScanResult,
  type LibraryChange,
  type TriggerWord,
  type TriggerSource,
  type BaseModel,
  type NetworkAlgorithm,
  type Suggestion as LoraSuggestion,
} from './library/index.js';

export {
  lint,
  lintAndFix,
  applyFixes,
  applyEdits,
  runRules,
  builtinRules,
  presetNames,
  skippedRuleNotes,
  exampleLibrary,
  MAX_FIX_PASSES,
  type LintOptions,
  type LintResult,
  type FixResult,
  type Rule,
  type RuleMeta,
  type RuleContext,
  type RuleReport,
  type RuleSeverity,
  type RuleCategory,
  type LintLibrary,
  type LintLora,
  type LintTokenizer,
  type LintSettings,
  type PromptTextSite,
} from './lint/index.js';
export { lintLibraryFrom } from './lint/adapters.js';
export { reporters, toEslintResults, toSarif, type FileReport, type ReportContext, type Reporter } from './lint/reporters/index.js';
export {
  ConfigLoader,
  ConfigError,
  ConfigValidator,
  buildConfigSchema,
  CONFIG_FILE_NAME,
  type SdpromptConfig,
  type ResolvedConfig,
  type RuleSetting,
  type LibrarySettings,
  type TokenizerSettings,
  ConfiguredLibraries,
  openLibraryFromSettings,
} from './config/index.js';

// Compile, engines, render, import (docs/compile.md, docs/engines.md, docs/ir.md).
export { compileSource, type SourceOptions, type CompiledSource } from './compile/source.js';
export { compileFile, compileIr, type CompileOptions, type CompiledPrompt } from './compile/compile.js';
export { lowerPromptModel, lowerPrompt, type LowerOptions } from './compile/lower.js';
export { TARGET_NAMES, type TargetName, type TargetOptions, type TargetResult, type LossyStep } from './compile/target.js';
export { IR_VERSION } from './compile/ir.js';
export type * from './compile/ir.js';
export { toA1111Request, inlineA1111Images, type A1111Body, type A1111Request, type A1111Dialect } from './engines/a1111.js';
export { toComfyGraph, emitComfyText, type ComfyGraph, type ComfyNode, type ComfyPromptBody } from './engines/comfyui.js';
export { toSdcppBody, toSdcppCliArgs, type SdcppBody } from './engines/sdcpp.js';
export { toCompel, type CompelPayload } from './engines/compel.js';
export { validateComfyGraph, type ObjectInfo, type ComfyValidationResult, type ComfyNodeError } from './engines/comfyui-validate.js';
export { nodeErrorDiagnostics, refusalDiagnostics, COMFY_NODE_ERROR_CODE, type NodeErrorLocator } from './engines/comfyui-diagnostics.js';
export { A1111Client, type A1111ClientOptions, type A1111Result, type Progress } from './engines/a1111-client.js';
export { ComfyClient, type ComfyClientOptions, type ComfyRunResult } from './engines/comfyui-client.js';
export { EngineError } from './engines/http.js';
export { mapSamplerToComfy, mapSamplerFromComfy } from './engines/samplers.js';
export { createRenderEngine, detectEngine, type RenderEngine, type RenderEngineKind } from './render/engines.js';
export { planRender, runRender, type RenderJob, type RenderSummary, type RenderEvent } from './render/render.js';
export { parseSweep, applySweep, type SweepAxis } from './render/sweep.js';
export { readPngText, writePngText } from './render/png-text.js';
export { formatInfotext } from './render/infotext.js';
export { importPng, importText, importComfyPrompt } from './import/import.js';
