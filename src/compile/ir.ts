/**
 * The intermediate form (IR) between the semantic model and engine payloads: what one prompt of a
 * prompt file means, with A1111's semantics already applied (docs/ir.md, versioned by IR_VERSION).
 *
 * Everything an engine adapter needs is here, flat and absolute:
 *  - prompts as AND parts → schedule steps → BREAK chunks → spans with absolute weights
 *    (A1111 modules/prompt_parser.py multiplies nested weights; the IR holds the product);
 *  - LoRAs with their te/unet multipliers resolved (A1111 extra_networks_lora.py rules);
 *  - parameters with every default filled in, so adapters never guess.
 * Offsets are document offsets (UTF-16) so that any lossy step can be reported at its source.
 */

export const IR_VERSION = 1;

/** A half-open range of document offsets. */
export interface IrSource {
  start: number;
  end: number;
}

/** A run of text with one absolute weight. `text` has A1111 escapes resolved. */
export interface IrSpan {
  text: string;
  weight: number;
  source?: IrSource;
}

/** The spans between two BREAKs (A1111 pads each to the next 75-token chunk). */
export type IrChunk = IrSpan[];

/** The text in effect for sampling steps `fromStep` < step ≤ `toStep` (1-based A1111 step numbers). */
export interface IrScheduleStep {
  fromStep: number;
  toStep: number;
  chunks: IrChunk[];
}

/** One AND part (composable diffusion); `schedule` has one entry when nothing is scheduled. */
export interface IrPart {
  weight: number;
  schedule: IrScheduleStep[];
}

export interface IrPrompt {
  /** The prompt text as A1111 receives it (fragments expanded, extra networks still in). */
  text: string;
  /** `text` with the extra-network tags removed (what A1111 parses for attention). */
  strippedText: string;
  parts: IrPart[];
  /** True when the text uses AND, schedules/alternation or BREAK: engines without them must lower. */
  uses: { and: boolean; schedule: boolean; break: boolean };
}

export interface IrLora {
  /** `lora` or `lyco` as written. */
  type: string;
  name: string;
  /** File path relative to the LoRA folder, with extension, when the library resolved it. */
  file?: string;
  te: number;
  unet: number;
  dyn?: number;
  source: IrSource;
  /** Offsets of the tag in the positive prompt's `text`, for adapters that rewrite it in place. */
  textStart?: number;
  textEnd?: number;
}

export interface IrEmbedding {
  /** The word as A1111 matches it (case-insensitive). */
  name: string;
  /** ComfyUI's `embedding:` name: the file path relative to the embeddings folder. */
  comfyName: string;
}

/** An extra network that is not a LoRA (hypernet, unknown types): kept so adapters can warn. */
export interface IrNetwork {
  type: string;
  args: string[];
  source: IrSource;
}

export interface IrControlNet {
  model: string;
  module: string;
  image?: string;
  weight: number;
  guidanceStart: number;
  guidanceEnd: number;
  controlMode?: string;
  resizeMode?: string;
  processorRes?: number;
  source: IrSource;
}

export interface IrInit {
  image: string;
  mask?: string;
  denoise: number;
  maskBlur?: number;
  inpaintingFill?: string;
  inpaintFullRes?: boolean;
  invertMask?: boolean;
  source: IrSource;
}

export interface IrHires {
  scale: number;
  steps: number;
  upscaler: string;
  denoise: number;
}

/**
 * The checkpoint's model family as far as sdprompt knows it: the library's family of the file
 * (src/library reads it from the tensor keys or metadata) or the one the user stated.
 */
export type IrBaseModel = 'sd1' | 'sd2' | 'sdxl' | 'sd3-flux';

export interface IrParameters {
  checkpoint?: string;
  /** Absent when unknown (no --base-model, checkpoint not found in a library); adapters then assume SD1. */
  baseModel?: IrBaseModel;
  /** Where `baseModel` comes from: the user's --base-model, or the library entry of `checkpoint`. */
  baseModelFrom?: 'option' | 'library';
  vae?: string;
  /** A1111 sampler name as written (e.g. `DPM++ 2M`); absent = engine default. */
  sampler?: string;
  /** A1111 scheduler name (e.g. `Karras`); absent = Automatic. */
  scheduler?: string;
  steps: number;
  cfg: number;
  seed: number;
  width: number;
  height: number;
  clipSkip: number;
  batchSize: number;
  batchCount: number;
  hires?: IrHires;
  extra: Record<string, string>;
}

/**
 * Where the parameters were written in this document, for messages about them (an engine refusing
 * a checkpoint or sampler name). Absent for defaults and for values set in an included file.
 */
export type IrParameterSources = Partial<
  Record<'checkpoint' | 'vae' | 'sampler' | 'scheduler' | 'steps' | 'cfg' | 'seed' | 'width' | 'height' | 'clipSkip' | 'batchSize' | 'batchCount', IrSource>
>;

/** One prompt of a file, ready for any engine adapter. */
export interface IrDocument {
  irVersion: typeof IR_VERSION;
  /** `@prompt NAME`; absent for a bare prompt or infotext block. */
  name?: string;
  /** Index of the prompt in its file (0-based), for stable output names. */
  index: number;
  positive: IrPrompt;
  negative: IrPrompt;
  loras: IrLora[];
  /** Non-LoRA extra networks of the positive prompt, and any network written in the negative. */
  otherNetworks: IrNetwork[];
  /**
   * Textual-inversion embeddings the prompts use by bare name (A1111 matches them in the text), with the
   * name ComfyUI needs after `embedding:`. Present only when an embedding inventory was given.
   */
  embeddings?: IrEmbedding[];
  parameters: IrParameters;
  controlnet: IrControlNet[];
  init?: IrInit;
  /** Where the prompt definition is in the document. */
  source: IrSource;
  parameterSources?: IrParameterSources;
}
