/**
 * Where each generation parameter of a prompt was written, so that an engine's complaint about a
 * value (ComfyUI refusing a checkpoint or sampler name) points at the `key: value` line that set it.
 * The semantic model merges parameters without ranges; the blocks are read again here in the same
 * order (this file's file-level blocks, then the prompt's own; a later entry wins, as in analyze.ts).
 * Values from an included file have no range in this document and are left out.
 */
import type { ParamBlockNode } from '../grammar/ast.js';
import { canonicalParamsKey } from '../semantics/parameters.js';
import type { IrParameterSources, IrSource } from './ir.js';

/** Canonical `@params` keys → the IR parameters they set. */
const IR_PARAMETERS: Readonly<Record<string, ReadonlyArray<keyof IrParameterSources>>> = {
  checkpoint: ['checkpoint'],
  vae: ['vae'],
  sampler: ['sampler'],
  scheduler: ['scheduler'],
  steps: ['steps'],
  cfg: ['cfg'],
  seed: ['seed'],
  size: ['width', 'height'],
  width: ['width'],
  height: ['height'],
  'clip-skip': ['clipSkip'],
  'batch-size': ['batchSize'],
  'batch-count': ['batchCount'],
};

export function parameterSources(fileBlocks: readonly ParamBlockNode[], promptBlocks: readonly ParamBlockNode[]): IrParameterSources {
  const sources: IrParameterSources = {};
  for (const block of [...fileBlocks, ...promptBlocks]) {
    if (block.block !== 'params') continue;
    for (const entry of block.entries) {
      const key = canonicalParamsKey(entry.key);
      const targets = key === undefined ? undefined : IR_PARAMETERS[key];
      if (!targets || !entry.value) continue;
      // The value, not the key: what the engine refuses is the value.
      const source: IrSource = { start: entry.value.range.start.offset, end: entry.value.range.end.offset };
      for (const target of targets) sources[target] = source;
    }
  }
  return sources;
}
