/**
 * Sweeps: the "find the right LoRA weight" workflow. `--sweep "lora:NAME=0.2..1.0/0.2"` renders
 * the prompt once per value (te and unet both set to it, as `<lora:NAME:w>` would), and
 * `--sweep "cfg=4..8/2"` or `"steps=20,30"` vary a parameter the same way.
 */
import type { IrDocument } from '../compile/ir.js';

export interface SweepAxis {
  kind: 'lora' | 'cfg' | 'steps';
  /** The LoRA name for `lora` sweeps. */
  target?: string;
  values: number[];
  /** Name used in labels and output names (`JL_sectionplan`, `cfg`). */
  label: string;
}

export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)`;
const RANGE = new RegExp(`^(${NUMBER})\\.\\.(${NUMBER})/(${NUMBER})$`);

function parseValues(text: string, spec: string): number[] {
  const range = RANGE.exec(text.trim());
  if (range) {
    const [start, end, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!(step > 0)) throw new SweepError(`sweep "${spec}": the step after "/" must be positive`);
    if (end < start) throw new SweepError(`sweep "${spec}": the range must go up (${start}..${end})`);
    const count = Math.floor((end - start) / step + 1e-9);
    if (count > 1000) throw new SweepError(`sweep "${spec}" has ${count + 1} values; at most 1001`);
    // Rounded so 0.2 + 3·0.2 prints as 0.8, not 0.8000000000000002.
    return Array.from({ length: count + 1 }, (_, i) => Number((start + i * step).toFixed(10)));
  }
  const values = text.split(',').map((part) => part.trim());
  if (values.length === 0 || values.some((value) => !new RegExp(`^${NUMBER}$`).test(value))) {
    throw new SweepError(`sweep "${spec}": expected START..END/STEP or a comma-separated list of numbers after "="`);
  }
  return values.map(Number);
}

/** Parses `lora:NAME=…`, `cfg=…` or `steps=…`. */
export function parseSweep(spec: string): SweepAxis {
  const equals = spec.indexOf('=');
  if (equals < 0) throw new SweepError(`sweep "${spec}": expected lora:NAME=0.2..1.0/0.2, cfg=4..8/1 or steps=20,30`);
  const key = spec.slice(0, equals).trim();
  const values = parseValues(spec.slice(equals + 1), spec);
  if (key.startsWith('lora:') && key.length > 5) return { kind: 'lora', target: key.slice(5), values, label: key.slice(5) };
  if (key === 'cfg') return { kind: 'cfg', values, label: 'cfg' };
  if (key === 'steps') {
    if (values.some((value) => !Number.isInteger(value) || value < 1)) throw new SweepError(`sweep "${spec}": steps must be whole numbers ≥ 1`);
    return { kind: 'steps', values, label: 'steps' };
  }
  throw new SweepError(`sweep "${spec}": unknown key "${key}"; use lora:NAME, cfg or steps`);
}

/** The IR with one sweep value applied. Throws SweepError when the prompt has no such LoRA. */
export function applySweep(doc: IrDocument, axis: SweepAxis, value: number): IrDocument {
  const copy = structuredClone(doc);
  if (axis.kind === 'cfg') copy.parameters.cfg = value;
  else if (axis.kind === 'steps') copy.parameters.steps = value;
  else {
    const loras = copy.loras.filter((lora) => lora.name === axis.target);
    if (loras.length === 0) {
      const used = copy.loras.map((lora) => lora.name);
      throw new SweepError(
        `the prompt${doc.name ? ` "${doc.name}"` : ''} uses no LoRA "${axis.target}"${used.length ? ` (it uses ${used.join(', ')})` : ''}; add <lora:${axis.target}:1> to sweep it`,
      );
    }
    for (const lora of loras) {
      lora.te = value;
      lora.unet = value;
    }
  }
  return copy;
}
