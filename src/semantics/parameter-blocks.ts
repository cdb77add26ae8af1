/**
 * The `@controlnet`, `@img2img`/`@inpaint` and `@hires` blocks. Defaults follow A1111 v1.10 (img2img
 * denoising 0.75, mask blur 4; hires ×2 "Latent", second-pass steps 0 = same as steps, denoising 0.7) and
 * the sd-webui-controlnet unit fields.
 */
import type { ParamBlockNode } from '../grammar/ast.js';
import type { ControlNetUnit, GenerationParameters, InitImage } from './model.js';
import type { EntryChecker } from './parameter-checks.js';

const CONTROLNET_KEYS = ['model', 'module', 'image', 'weight', 'guidance-start', 'guidance-end', 'control-mode', 'resize-mode', 'processor-res'];
const CONTROLNET_ALIASES: Record<string, string> = { preprocessor: 'module', 'processor-resolution': 'processor-res' };
const CONTROL_MODES = ['Balanced', 'My prompt is more important', 'ControlNet is more important'];
const RESIZE_MODES = ['Just Resize', 'Crop and Resize', 'Resize and Fill'];
const INIT_KEYS = ['image', 'mask', 'denoise', 'mask-blur', 'inpainting-fill', 'inpaint-full-res', 'invert-mask'];
const INIT_ALIASES: Record<string, string> = { 'denoising-strength': 'denoise', 'init-image': 'image', 'inpainting-mask-invert': 'invert-mask' };
/** A1111 img2img "Masked content" choices (inpainting_fill 0..3). */
const INPAINTING_FILLS = ['fill', 'original', 'latent noise', 'latent nothing'];
const HIRES_KEYS = ['scale', 'steps', 'upscaler', 'denoise'];
const HIRES_ALIASES: Record<string, string> = { upscale: 'scale', 'denoising-strength': 'denoise', 'hires-steps': 'steps' };

export function readControlNet(checker: EntryChecker, block: ParamBlockNode): ControlNetUnit | undefined {
  const entries = checker.entriesOf(block, CONTROLNET_KEYS, CONTROLNET_ALIASES);
  checker.required(block, entries, 'model');
  const unit: ControlNetUnit = { model: '', weight: 1, guidanceStart: 0, guidanceEnd: 1, range: block.range };
  const model = checker.with(entries, 'model', (entry) => checker.text(entry));
  if (model) unit.model = model;
  const module = checker.with(entries, 'module', (entry) => checker.text(entry));
  if (module) unit.module = module;
  const image = checker.with(entries, 'image', (entry) => checker.text(entry));
  if (image) unit.image = image;
  const weight = checker.with(entries, 'weight', (entry) => checker.number(entry, 0, 10, 2));
  if (weight !== undefined) unit.weight = weight;
  const start = checker.with(entries, 'guidance-start', (entry) => checker.number(entry, 0, 1));
  if (start !== undefined) unit.guidanceStart = start;
  const end = checker.with(entries, 'guidance-end', (entry) => checker.number(entry, 0, 1));
  if (end !== undefined) unit.guidanceEnd = end;
  if (unit.guidanceStart > unit.guidanceEnd) {
    checker.report('params/guidance-order', 'error', `guidance-start (${unit.guidanceStart}) is after guidance-end (${unit.guidanceEnd}); the unit would never act.`, entries.get('guidance-start')!.range);
  }
  const mode = checker.with(entries, 'control-mode', (entry) => checker.choice(entry, CONTROL_MODES));
  if (mode) unit.controlMode = mode;
  const resize = checker.with(entries, 'resize-mode', (entry) => checker.choice(entry, RESIZE_MODES));
  if (resize) unit.resizeMode = resize;
  const resolution = checker.with(entries, 'processor-res', (entry) => checker.integer(entry, 64, 4096, 2048));
  if (resolution !== undefined) unit.processorRes = resolution;
  return unit.model ? unit : undefined;
}

export function readInitImage(checker: EntryChecker, block: ParamBlockNode): InitImage | undefined {
  const entries = checker.entriesOf(block, INIT_KEYS, INIT_ALIASES);
  checker.required(block, entries, 'image');
  if (block.block === 'inpaint') checker.required(block, entries, 'mask');
  // A1111 img2img defaults: denoising_strength 0.75, mask_blur 4.
  const init: InitImage = { image: '', denoise: 0.75, range: block.range };
  const image = checker.with(entries, 'image', (entry) => checker.text(entry));
  if (image) init.image = image;
  const mask = checker.with(entries, 'mask', (entry) => checker.text(entry));
  if (mask) init.mask = mask;
  const denoise = checker.with(entries, 'denoise', (entry) => checker.number(entry, 0, 1));
  if (denoise !== undefined) init.denoise = denoise;
  const blur = checker.with(entries, 'mask-blur', (entry) => checker.integer(entry, 0, 64));
  if (blur !== undefined) init.maskBlur = blur;
  else if (init.mask !== undefined) init.maskBlur = 4;
  const fill = checker.with(entries, 'inpainting-fill', (entry) => checker.choice(entry, INPAINTING_FILLS));
  if (fill) init.inpaintingFill = fill;
  const fullRes = checker.with(entries, 'inpaint-full-res', (entry) => checker.boolean(entry));
  if (fullRes !== undefined) init.inpaintFullRes = fullRes;
  const invert = checker.with(entries, 'invert-mask', (entry) => checker.boolean(entry));
  if (invert !== undefined) init.invertMask = invert;
  if (block.block === 'img2img' && init.mask !== undefined) {
    checker.report('params/mask-in-img2img', 'warning', 'A mask makes this an inpainting job: write @inpaint instead of @img2img.', block.directiveRange, {
      fix: { title: 'Change to @inpaint', edits: [{ start: block.directiveRange.start.offset, end: block.directiveRange.end.offset, newText: '@inpaint' }] },
    });
  }
  return init.image ? init : undefined;
}

export function readHires(checker: EntryChecker, block: ParamBlockNode, target: GenerationParameters): void {
  const entries = checker.entriesOf(block, HIRES_KEYS, HIRES_ALIASES);
  // A1111 hires-fix defaults: upscale by 2, "Latent", second-pass steps 0 (= same as steps), denoise 0.7.
  const hires = { scale: 2, steps: 0, upscaler: 'Latent', denoise: 0.7, ...target.hires };
  const scale = checker.with(entries, 'scale', (entry) => checker.number(entry, 1, 8, 4));
  if (scale !== undefined) hires.scale = scale;
  const steps = checker.with(entries, 'steps', (entry) => checker.integer(entry, 0, 1000, 150));
  if (steps !== undefined) hires.steps = steps;
  const upscaler = checker.with(entries, 'upscaler', (entry) => checker.text(entry));
  if (upscaler) hires.upscaler = upscaler;
  const denoise = checker.with(entries, 'denoise', (entry) => checker.number(entry, 0, 1));
  if (denoise !== undefined) hires.denoise = denoise;
  target.hires = hires;
}
