/**
 * What may be written in parameter blocks, for completion: keys per block (docs/language.md) and
 * the known values of the enumerated keys. Samplers and schedulers come from the configured engine
 * when it answers (see engine-catalog.ts); these lists are the fallback, from A1111 v1.9+
 * (modules/sd_samplers_kdiffusion.py, sd_schedulers.py; shared/reference/a1111.md §7).
 */
import { ENGINES as ENGINE_NAMES, SAMPLERS, SCHEDULERS } from '../../semantics/parameter-values.js';

export type BlockName = 'params' | 'controlnet' | 'img2img' | 'inpaint' | 'hires';

export const DIRECTIVES: Array<{ name: string; detail: string; argument?: string }> = [
  { name: 'prompt', detail: 'Start a prompt (optional name); the following lines are its positive text', argument: 'NAME' },
  { name: 'negative', detail: 'Negative text of the current prompt, or the file default before any @prompt' },
  { name: 'fragment', detail: 'Reusable prompt text, referenced as ${NAME}', argument: 'NAME' },
  { name: 'include', detail: 'Fragments and file-level parameters of another file', argument: '"path"' },
  { name: 'params', detail: 'Generation parameters (file level: defaults; after @prompt: overrides)' },
  { name: 'controlnet', detail: 'One ControlNet unit' },
  { name: 'img2img', detail: 'Init image and denoising strength' },
  { name: 'inpaint', detail: 'Init image, mask and inpainting options' },
  { name: 'hires', detail: 'Hires fix: scale, steps, upscaler, denoise' },
];

export const BLOCK_KEYS: Record<BlockName, Array<{ key: string; detail: string }>> = {
  params: [
    { key: 'engine', detail: 'a1111 | forge | sdnext | comfyui | sdcpp | compel' },
    { key: 'checkpoint', detail: 'Model checkpoint name' },
    { key: 'vae', detail: 'VAE name' },
    { key: 'sampler', detail: 'Sampler ("Euler a", "DPM++ 2M", …)' },
    { key: 'scheduler', detail: 'Schedule type (Karras, Exponential, …)' },
    { key: 'steps', detail: 'Sampling steps (A1111 default 20)' },
    { key: 'cfg', detail: 'CFG scale (A1111 default 7)' },
    { key: 'seed', detail: 'Seed; -1 for random' },
    { key: 'size', detail: 'WIDTHxHEIGHT, e.g. 512x768' },
    { key: 'width', detail: 'Width in pixels' },
    { key: 'height', detail: 'Height in pixels' },
    { key: 'clip-skip', detail: 'CLIP skip (1 = none)' },
    { key: 'batch-size', detail: 'Images per batch' },
    { key: 'batch-count', detail: 'Number of batches' },
    { key: 'denoise', detail: 'Denoising strength 0..1' },
  ],
  controlnet: [
    { key: 'model', detail: 'ControlNet model' },
    { key: 'module', detail: 'Preprocessor' },
    { key: 'image', detail: 'Control image path' },
    { key: 'weight', detail: 'Control weight' },
    { key: 'guidance-start', detail: 'Start of guidance, 0..1' },
    { key: 'guidance-end', detail: 'End of guidance, 0..1' },
    { key: 'control-mode', detail: 'Balanced | My prompt is more important | ControlNet is more important' },
    { key: 'resize-mode', detail: 'Just Resize | Crop and Resize | Resize and Fill' },
    { key: 'processor-res', detail: 'Preprocessor resolution' },
  ],
  img2img: [
    { key: 'image', detail: 'Init image path' },
    { key: 'denoise', detail: 'Denoising strength 0..1' },
  ],
  inpaint: [
    { key: 'image', detail: 'Init image path' },
    { key: 'mask', detail: 'Mask image path' },
    { key: 'denoise', detail: 'Denoising strength 0..1' },
    { key: 'mask-blur', detail: 'Mask blur in pixels' },
    { key: 'inpainting-fill', detail: 'fill | original | latent noise | latent nothing' },
    { key: 'inpaint-full-res', detail: 'true | false' },
    { key: 'invert-mask', detail: 'true | false' },
  ],
  hires: [
    { key: 'scale', detail: 'Upscale factor' },
    { key: 'steps', detail: 'Hires steps (0 = same as sampling)' },
    { key: 'upscaler', detail: 'Upscaler name' },
    { key: 'denoise', detail: 'Denoising strength 0..1' },
  ],
};

/** The fallback lists are the semantic stage's own (A1111 v1.9+ samplers and schedule types). */
export const KNOWN_SAMPLERS: string[] = [...SAMPLERS];
export const KNOWN_SCHEDULERS: string[] = [...SCHEDULERS];
export const ENGINES: string[] = [...ENGINE_NAMES];

export interface ParameterCatalog {
  samplers: string[];
  schedulers: string[];
  /** Where the sampler and scheduler lists came from. */
  source: 'known' | 'engine';
}

export const KNOWN_CATALOG: ParameterCatalog = { samplers: KNOWN_SAMPLERS, schedulers: KNOWN_SCHEDULERS, source: 'known' };

/** Values to offer for `key`, or undefined when the key takes free text or numbers. */
export function valuesFor(key: string, catalog: ParameterCatalog): string[] | undefined {
  switch (key.toLowerCase()) {
    case 'sampler':
      return catalog.samplers;
    case 'scheduler':
      return catalog.schedulers;
    case 'engine':
      return ENGINES;
    case 'inpaint-full-res':
    case 'invert-mask':
      return ['true', 'false'];
    case 'inpainting-fill':
      return ['fill', 'original', 'latent noise', 'latent nothing'];
    case 'control-mode':
      return ['Balanced', 'My prompt is more important', 'ControlNet is more important'];
    case 'resize-mode':
      return ['Just Resize', 'Crop and Resize', 'Resize and Fill'];
    case 'size':
      return ['512x512', '512x768', '768x512', '768x768', '1024x1024', '832x1216', '1216x832'];
    default:
      return undefined;
  }
}
