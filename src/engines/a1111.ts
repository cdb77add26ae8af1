/**
 * IR → A1111 / Forge / SD.Next `/sdapi/v1/txt2img` and `/img2img` bodies (engine-apis.md §6,
 * a1111.md §6). The prompt is sent as A1111 text, which is exact for A1111 itself; LoRA tags are
 * rewritten in place into the canonical form each dialect reads the same way.
 */
import type { IrDocument, IrHires, IrLora } from '../compile/ir.js';
import { formatWeight, type LossyStep, type TargetResult } from '../compile/target.js';

export type A1111Dialect = 'a1111' | 'forge' | 'sdnext';

export interface A1111ControlNetUnit {
  enabled: true;
  module: string;
  model: string;
  weight: number;
  image?: string;
  guidance_start: number;
  guidance_end: number;
  control_mode?: string;
  resize_mode?: string;
  processor_res?: number;
}

/** The request body; image fields hold file paths until `inlineImages` replaces them with base64. */
export interface A1111Body {
  prompt: string;
  negative_prompt: string;
  seed: number;
  steps: number;
  cfg_scale: number;
  width: number;
  height: number;
  batch_size: number;
  n_iter: number;
  sampler_name?: string;
  scheduler?: string;
  override_settings: Record<string, string | number>;
  override_settings_restore_afterwards: boolean;
  send_images: boolean;
  save_images: boolean;
  enable_hr?: boolean;
  hr_scale?: number;
  hr_second_pass_steps?: number;
  hr_upscaler?: string;
  denoising_strength?: number;
  init_images?: string[];
  mask?: string;
  mask_blur?: number;
  inpainting_fill?: number;
  inpaint_full_res?: boolean;
  inpainting_mask_invert?: number;
  alwayson_scripts?: { controlnet: { args: A1111ControlNetUnit[] } };
}

export interface A1111Request {
  /** `txt2img` or `img2img`: the route under /sdapi/v1/. */
  route: 'txt2img' | 'img2img';
  body: A1111Body;
}

/** A1111 img2img `inpainting_fill` (0 fill, 1 original, 2 latent noise, 3 latent nothing). */
const INPAINTING_FILL: Record<string, number> = { fill: 0, original: 1, 'latent noise': 2, 'latent nothing': 3 };

/** The canonical tag for a LoRA in a dialect, or a note when the dialect loses something. */
function loraTag(lora: IrLora, dialect: A1111Dialect, notes: LossyStep[]): string {
  let type = lora.type;
  if (type === 'lyco' && dialect === 'forge') {
    // Forge registers no `lyco` alias (sd_forge_lora/scripts/lora_script.py): it would skip the tag.
    type = 'lora';
    notes.push({ code: 'engine/lyco-alias', severity: 'info', message: 'Forge has no <lyco:…> alias; sent as <lora:…>', source: lora.source });
  }
  const te = formatWeight(lora.te);
  const unet = formatWeight(lora.unet);
  if (dialect === 'sdnext') {
    // SD.Next ignores a third positional argument (modules/lora/extra_networks_lora.py) but reads te=/unet=.
    if (te !== unet) return `<${type}:${lora.name}:te=${te}:unet=${unet}>`;
    return `<${type}:${lora.name}:${te}>`;
  }
  let tag = `<${type}:${lora.name}:${te}`;
  if (te !== unet || lora.dyn !== undefined) tag += `:${unet}`;
  if (lora.dyn !== undefined) {
    if (dialect === 'forge') {
      notes.push({ code: 'engine/lora-dyn', severity: 'warning', message: `Forge ignores dyn=${lora.dyn}`, source: lora.source });
    } else tag += `:${lora.dyn}`;
  }
  return tag + '>';
}

/** Rewrites each LoRA tag of the positive text in place; everything else stays byte for byte. */
/** A1111's txt2img hires-fix fields (processing.py StableDiffusionProcessingTxt2Img); sd-server takes the same. */
export function a1111HiresFields(hires: IrHires): Pick<A1111Body, 'enable_hr' | 'hr_scale' | 'hr_second_pass_steps' | 'hr_upscaler' | 'denoising_strength'> {
  return { enable_hr: true, hr_scale: hires.scale, hr_second_pass_steps: hires.steps, hr_upscaler: hires.upscaler, denoising_strength: hires.denoise };
}

export function canonicalPositive(doc: IrDocument, dialect: A1111Dialect, notes: LossyStep[]): string {
  const text = doc.positive.text;
  const located = doc.loras.filter((lora) => lora.textStart !== undefined && lora.textEnd !== undefined);
  if (located.length !== doc.loras.length) return text;
  let out = '';
  let at = 0;
  for (const lora of [...located].sort((a, b) => a.textStart! - b.textStart!)) {
    out += text.slice(at, lora.textStart) + loraTag(lora, dialect, notes);
    at = lora.textEnd!;
  }
  return out + text.slice(at);
}

export function toA1111Request(doc: IrDocument, dialect: A1111Dialect = 'a1111'): TargetResult<A1111Request> {
  const notes: LossyStep[] = [];
  const p = doc.parameters;
  const body: A1111Body = {
    prompt: canonicalPositive(doc, dialect, notes),
    negative_prompt: doc.negative.text,
    seed: p.seed,
    steps: p.steps,
    cfg_scale: p.cfg,
    width: p.width,
    height: p.height,
    batch_size: p.batchSize,
    n_iter: p.batchCount,
    override_settings: {},
    // Per-request overrides must not change the server's settings for the next user.
    override_settings_restore_afterwards: true,
    send_images: true,
    save_images: false,
  };
  if (p.sampler !== undefined) body.sampler_name = p.sampler;
  if (p.scheduler !== undefined) body.scheduler = p.scheduler;
  if (p.checkpoint !== undefined) body.override_settings.sd_model_checkpoint = p.checkpoint;
  if (p.clipSkip !== 1) body.override_settings.CLIP_stop_at_last_layers = p.clipSkip;
  if (p.vae !== undefined) body.override_settings.sd_vae = p.vae;
  for (const network of doc.otherNetworks) {
    if (network.type === 'lyco' || network.type === 'lora') {
      notes.push({
        code: 'engine/network-in-negative',
        severity: 'warning',
        message: `<${network.type}:…> in the negative prompt is not applied by ${dialect}: it is read as text`,
        source: network.source,
      });
    }
  }
  if (p.hires && !doc.init) Object.assign(body, a1111HiresFields(p.hires));
  if (doc.controlnet.length > 0) {
    body.alwayson_scripts = {
      controlnet: {
        args: doc.controlnet.map((unit) => ({
          enabled: true,
          module: unit.module,
          model: unit.model,
          weight: unit.weight,
          ...(unit.image !== undefined ? { image: unit.image } : {}),
          guidance_start: unit.guidanceStart,
          guidance_end: unit.guidanceEnd,
          ...(unit.controlMode !== undefined ? { control_mode: unit.controlMode } : {}),
          ...(unit.resizeMode !== undefined ? { resize_mode: unit.resizeMode } : {}),
          ...(unit.processorRes !== undefined ? { processor_res: unit.processorRes } : {}),
        })),
      },
    };
  }
  if (!doc.init) return { payload: { route: 'txt2img', body }, notes };
  const init = doc.init;
  body.init_images = [init.image];
  body.denoising_strength = init.denoise;
  if (init.mask !== undefined) {
    body.mask = init.mask;
    if (init.maskBlur !== undefined) body.mask_blur = init.maskBlur;
    if (init.inpaintingFill !== undefined) {
      const fill = INPAINTING_FILL[init.inpaintingFill.toLowerCase()];
      if (fill === undefined) {
        notes.push({
          code: 'engine/inpainting-fill',
          severity: 'error',
          message: `unknown inpainting fill "${init.inpaintingFill}"; use fill, original, latent noise or latent nothing`,
          source: init.source,
        });
      } else body.inpainting_fill = fill;
    }
    if (init.inpaintFullRes !== undefined) body.inpaint_full_res = init.inpaintFullRes;
    if (init.invertMask !== undefined) body.inpainting_mask_invert = init.invertMask ? 1 : 0;
  }
  return { payload: { route: 'img2img', body }, notes };
}

/** Replaces image paths with base64 (A1111 and Forge take no file paths: forge#1414). */
export async function inlineA1111Images(request: A1111Request, readBase64: (path: string) => Promise<string>): Promise<A1111Request> {
  const body: A1111Body = structuredClone(request.body);
  if (body.init_images) body.init_images = await Promise.all(body.init_images.map(readBase64));
  if (body.mask !== undefined) body.mask = await readBase64(body.mask);
  for (const unit of body.alwayson_scripts?.controlnet.args ?? []) if (unit.image !== undefined) unit.image = await readBase64(unit.image);
  return { route: request.route, body };
}
