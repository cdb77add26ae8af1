/** Finding the parameter entry (and so the source range) behind a value of GenerationParameters. */
import type { ParamEntryNode, PromptFile } from '../../../grammar/ast.js';
import type { PromptModel } from '../../../semantics/model.js';

/** Keys as the structured form and A1111 infotext write them, normalised (lower case, `-` for spaces). */
const ALIASES: Record<string, string[]> = {
  size: ['size'],
  width: ['width'],
  height: ['height'],
  steps: ['steps'],
  cfg: ['cfg', 'cfg-scale'],
  sampler: ['sampler', 'sampler-name'],
  scheduler: ['scheduler', 'schedule-type'],
  'batch-size': ['batch-size'],
  denoise: ['denoise', 'denoising-strength'],
};

function normalizeKey(key: string): string {
  return key.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

/**
 * The entry that sets `key` for a prompt: its own `@params` first, then the file's (later blocks
 * and entries win, as in analyze). Undefined when the value is a default or came from an include.
 */
export function paramEntry(file: PromptFile, prompt: PromptModel | undefined, key: string): ParamEntryNode | undefined {
  const names = ALIASES[key] ?? [key];
  const search = (blocks: PromptFile['blocks']) => {
    let found: ParamEntryNode | undefined;
    for (const block of blocks) {
      if (block.block !== 'params') continue;
      for (const entry of block.entries) if (names.includes(normalizeKey(entry.key))) found = entry;
    }
    return found;
  };
  return (prompt ? search(prompt.node.blocks ?? []) : undefined) ?? search(file.blocks ?? []);
}
