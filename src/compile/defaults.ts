/**
 * Defaults for what a prompt file does not say (docs/compile.md "Defaults"). A bare prompt or an
 * infotext block compiles with these; every value is what A1111's own txt2img UI starts with
 * (modules/processing.py and modules/shared_options.py of v1.10), so a bare prompt renders on
 * A1111 the way it would when pasted into the UI.
 */
import type { IrHires } from './ir.js';

/** A1111 UI defaults; the semantic model fills steps/cfg/size/seed the same way. */
export const DEFAULT_HIRES: IrHires = {
  /** A1111 txt2img "Upscale by". */
  scale: 2,
  /** 0 = use the base pass's step count (A1111 "Hires steps: 0"). */
  steps: 0,
  upscaler: 'Latent',
  /** A1111 txt2img hires "Denoising strength". */
  denoise: 0.7,
};

/** ControlNet preprocessor when a unit names none: use the image as the control map. */
export const DEFAULT_CONTROLNET_MODULE = 'none';

/** The checkpoint name a ComfyUI graph gets when the file names none (override with `--checkpoint`). */
export const PLACEHOLDER_CHECKPOINT = 'v1-5-pruned-emaonly.safetensors';

/** ComfyUI SaveImage prefix; output files are named by sdprompt on download, not by this. */
export const COMFY_FILENAME_PREFIX = 'sdprompt';
