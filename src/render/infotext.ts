/**
 * A1111-style `parameters` infotext for rendered images (a1111.md §5: processing.py
 * create_infotext layout, key order and quoting), so images open in A1111's PNG Info, Civitai
 * and `sdprompt import` like A1111's own.
 */
import type { IrDocument } from '../compile/ir.js';

/** infotext_utils.quote: JSON-quote a value containing `,`, `:` or a newline. */
export function quoteInfotextValue(value: string): string {
  return /[,:\n]/.test(value) ? JSON.stringify(value) : value;
}

export function formatInfotext(doc: IrDocument, overrides: { seed?: number; prompt?: string } = {}): string {
  const p = doc.parameters;
  const pairs: Array<[string, string | number | undefined]> = [
    ['Steps', p.steps],
    ['Sampler', p.sampler ?? 'Euler'],
    ['Schedule type', p.scheduler],
    ['CFG scale', p.cfg],
    ['Seed', overrides.seed ?? p.seed],
    ['Size', `${p.width}x${p.height}`],
    ['Model', p.checkpoint?.replace(/\.(safetensors|ckpt)$/i, '')],
    ['VAE', p.vae],
    ['Denoising strength', doc.init?.denoise ?? p.hires?.denoise],
    ['Clip skip', p.clipSkip > 1 ? p.clipSkip : undefined],
    ['Hires upscale', p.hires?.scale],
    ['Hires steps', p.hires && p.hires.steps > 0 ? p.hires.steps : undefined],
    ['Hires upscaler', p.hires?.upscaler],
    ['Version', 'sdprompt'],
  ];
  const params = pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined)
    .map(([key, value]) => `${key}: ${quoteInfotextValue(String(value))}`)
    .join(', ');
  const lines = [overrides.prompt ?? doc.positive.text];
  if (doc.negative.text !== '') lines.push(`Negative prompt: ${doc.negative.text}`);
  lines.push(params);
  return lines.join('\n');
}
