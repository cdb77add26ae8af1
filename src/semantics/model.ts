/**
 * The semantic model: what the prompt means to each engine, computed from the AST by src/semantics.
 * For A1111 the model is exact: it reproduces A1111 v1.10 modules/extra_networks.py,
 * modules/prompt_parser.py (AND split, schedules, parse_prompt_attention) number for number.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { PromptDefNode, PromptFile, PromptText, Range } from '../grammar/ast.js';

export interface ScheduleOptions {
  /** Sampling steps of the base pass. */
  steps: number;
  /** Hires-fix steps; when set (and not old scheduling) fractions count from 1 to 2. */
  hiresSteps?: number | null;
  /** A1111's `use_old_scheduling` compatibility option. */
  useOldScheduling?: boolean;
}

/** One extra-network call as A1111 collects it: type and `:`-split args (modules/extra_networks.py). */
export interface ExtraNetworkCall {
  type: string;
  args: string[];
  /** Offsets of the whole `<…>` tag in the prompt text (`PromptText.text`). */
  textStart: number;
  textEnd: number;
}

/**
 * One entry of parse_prompt_attention's result. BREAK is `{text: 'BREAK', weight: -1}` exactly as
 * A1111 returns it. `origins[i]` is the offset in the prompt text (`PromptText.text`) that produced
 * `text[i]` (-1 for none), so tools can map weights and chunks back to the source.
 */
export interface AttentionSegment {
  text: string;
  weight: number;
  origins: number[];
}

/** The prompt text in effect from the previous step (exclusive) up to and including `step`. */
export interface ScheduleStep {
  step: number;
  text: string;
  /** Offsets in the prompt text for each char of `text`. */
  origins: number[];
  attention: AttentionSegment[];
}

/** One AND part (composable diffusion) with its weight. */
export interface SubPrompt {
  weight: number;
  text: string;
  schedules: ScheduleStep[];
}

/**
 * A place where A1111's result depends on the lark Earley parser's hash-seeded tie-breaking, so it
 * changes between A1111 restarts. The model follows one documented interpretation (docs/semantics.md).
 */
export interface Ambiguity {
  /** Offsets in the prompt text of the ambiguous bracket structure. */
  textStart: number;
  textEnd: number;
  message: string;
}

/** What A1111 makes of one prompt string. */
export interface A1111Conditioning {
  /** Networks in A1111's order: grouped by type in order of first appearance, then textual order. */
  networks: ExtraNetworkCall[];
  subprompts: SubPrompt[];
  ambiguities: Ambiguity[];
  /**
   * True when A1111's schedule grammar rejects the text (e.g. a `|` outside `[…]`, a trailing `\`):
   * A1111 then uses the whole text unscheduled at every step.
   */
  scheduleFallback: boolean;
  /** Set when A1111 itself would fail (e.g. float('1..2') in a weight); the message says why. */
  error?: string;
}

/** A LoRA (or LyCORIS) call with A1111's argument rules applied (extra_networks_lora.py). */
export interface LoraUse {
  /** `lora` or `lyco`. */
  type: string;
  name: string;
  te: number;
  unet: number;
  dyn?: number;
  /** Whether the tag wrote any multiplier (`<lora:name>` has none). */
  explicitWeight: boolean;
  /** Set when A1111's float()/int() of an argument raises (A1111 then activates no LoRA). */
  error?: string;
  /** Range of the tag in the document. */
  range: Range;
}

export type EngineKind = 'a1111' | 'forge' | 'sdnext' | 'comfyui' | 'sdcpp' | 'compel';

export interface ControlNetUnit {
  model: string;
  module?: string;
  image?: string;
  weight: number;
  guidanceStart: number;
  guidanceEnd: number;
  controlMode?: string;
  resizeMode?: string;
  processorRes?: number;
  range: Range;
}

export interface InitImage {
  image: string;
  mask?: string;
  denoise: number;
  maskBlur?: number;
  inpaintingFill?: string;
  inpaintFullRes?: boolean;
  invertMask?: boolean;
  range: Range;
}

export interface HiresOptions {
  scale?: number;
  steps?: number;
  upscaler?: string;
  denoise?: number;
}

/** Generation parameters after file defaults, prompt overrides and includes are merged and checked. */
export interface GenerationParameters {
  engine?: EngineKind;
  checkpoint?: string;
  vae?: string;
  sampler?: string;
  scheduler?: string;
  steps: number;
  cfg: number;
  /** -1 = random, as in A1111. */
  seed: number;
  width: number;
  height: number;
  clipSkip: number;
  batchSize: number;
  batchCount: number;
  /** Denoising strength written in `@params` or an infotext (`Denoising strength`); `@img2img`,
   *  `@inpaint` and `@hires` blocks carry their own. */
  denoise?: number;
  hires?: HiresOptions;
  init?: InitImage;
  controlnet: ControlNetUnit[];
  /** Keys the file set that sdprompt passes through unchanged (e.g. unknown infotext keys). */
  extra: Record<string, string>;
}

/** A prompt text with fragments expanded, and what A1111 makes of it. */
export interface ResolvedPrompt {
  node: PromptText;
  /** The text with `${fragment}` references expanded (what an engine receives). */
  text: string;
  /** Document offset for each char of `text` (length text.length + 1). */
  sourceMap: Int32Array;
  /**
   * What A1111 makes of the text in the first (or only) pass: schedules in denoiser calls, i.e. with
   * `steps` doubled for second-order samplers, as processing.py setup_conds does.
   */
  a1111: A1111Conditioning;
  /** With hires fix: the second pass (hires_steps set), as processing.py calculate_hr_conds does. */
  a1111Hires?: A1111Conditioning;
  /** LoRA calls in document order. */
  loras: LoraUse[];
}

export interface PromptModel {
  name?: string;
  node: PromptDefNode;
  positive: ResolvedPrompt;
  negative?: ResolvedPrompt;
  parameters: GenerationParameters;
}

export interface FileModel {
  file: PromptFile;
  prompts: PromptModel[];
  /** Semantic diagnostics (parameters, fragments, includes); syntax diagnostics come from parse(). */
  diagnostics: Diagnostic[];
}
