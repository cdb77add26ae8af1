/**
 * What every engine adapter returns: the payload and the lossy steps it had to take. Adapters
 * speak in IR source offsets; compile() turns the notes into Diagnostics with ranges.
 */
import type { Severity } from '../core/diagnostic.js';
import type { IrSource } from './ir.js';

export type TargetName = 'ir' | 'a1111' | 'forge' | 'sdnext' | 'comfyui' | 'sdcpp' | 'sdcpp-cli' | 'compel';

export const TARGET_NAMES: readonly TargetName[] = ['ir', 'a1111', 'forge', 'sdnext', 'comfyui', 'sdcpp', 'sdcpp-cli', 'compel'];

/** A place where the target cannot say exactly what the prompt file says. */
export interface LossyStep {
  /** `engine/…` diagnostic code (docs/compile.md lists them). */
  code: string;
  severity: Severity;
  message: string;
  source: IrSource;
}

export interface TargetResult<Payload = unknown> {
  payload: Payload;
  notes: LossyStep[];
  /** ComfyUI: where in the prompt file each graph node comes from, to map node_errors back. */
  nodeSources?: Record<string, IrSource>;
  /** ComfyUI: where the value of a node's input was written (node id → input name → source), when known. */
  inputSources?: Record<string, Record<string, IrSource>>;
}

/** Options every adapter understands. */
export interface TargetOptions {
  /**
   * `sdxl` makes the ComfyUI graph use CLIPTextEncodeSDXL. Wins over the IR's `parameters.baseModel`
   * (the library's family of the checkpoint); with neither, SD1's CLIPTextEncode.
   */
  baseModel?: 'sd1' | 'sdxl';
  /** Seed used when the file says -1 (random): compile output is then reproducible. */
  randomSeed?: () => number;
}

/** Formats an absolute weight with at most 4 decimals (error ≤ 5e-5, below the 1e-4 fidelity bound). */
export function formatWeight(weight: number): string {
  const rounded = Math.round(weight * 10000) / 10000;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
