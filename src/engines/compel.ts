/**
 * IR → a compel prompt string (diffusers / InvokeAI), by the rules of engine-syntaxes.md §2 and
 * "Lowering rules → compel" (damian0815/compel src/compel/prompt_parser.py).
 */
import { resolveToSingleStep } from '../compile/flatten.js';
import type { IrChunk, IrDocument, IrPrompt } from '../compile/ir.js';
import { formatWeight, type LossyStep, type TargetResult } from '../compile/target.js';
import { loraFileName } from './comfyui.js';

export interface CompelPayload {
  prompt: string;
  negative_prompt: string;
  /** For diffusers load_lora_weights + set_adapters; compel's withLora() is ignored by InvokeAI. */
  loras: Array<{ name: string; file: string; weight: number }>;
}

/** compel escapes: only `\( \) \"` lose the backslash ([ran] in engine-syntaxes.md §2). */
function escapeCompel(text: string): string {
  return text.replace(/[()"]/g, (c) => '\\' + c);
}

/** A word ending in + or - would be read as a weight operator (`c++` → c at 1.21). */
const TRAILING_OPERATOR = /[+-]+(?=\s|$)/;

function emitChunk(chunk: IrChunk, notes: LossyStep[], fallback: IrDocument['source']): string {
  return chunk
    .map((span) => {
      if (TRAILING_OPERATOR.test(span.text)) {
        notes.push({
          code: 'engine/compel-operator',
          severity: 'warning',
          message: 'compel reads a word ending in "+" or "-" as a weight and the sign cannot be escaped',
          source: span.source ?? fallback,
        });
      }
      const text = escapeCompel(span.text);
      if (span.weight === 1) return text;
      // Leading/trailing spaces stay outside the group so "(text)w" keeps no space before w.
      const match = /^(\s*)(.*?)(\s*)$/s.exec(text)!;
      return `${match[1]}(${match[2]})${formatWeight(span.weight)}${match[3]}`;
    })
    .join('');
}

function emitPrompt(prompt: IrPrompt, doc: IrDocument, notes: LossyStep[]): string {
  const step = resolveToSingleStep(prompt, 'compel', doc.source, notes);
  const chunks = step.chunks.map((chunk) => emitChunk(chunk, notes, doc.source));
  if (chunks.length === 1) return chunks[0]!;
  // BREAK ≈ .and(): compel concatenates the clauses' embeddings on the token axis (compel.py).
  return `(${chunks.map((chunk) => `"${chunk}"`).join(', ')}).and()`;
}

export function toCompel(doc: IrDocument): TargetResult<CompelPayload> {
  const notes: LossyStep[] = [];
  const payload: CompelPayload = {
    prompt: emitPrompt(doc.positive, doc, notes),
    negative_prompt: emitPrompt(doc.negative, doc, notes),
    loras: doc.loras.map((lora) => {
      if (lora.te !== lora.unet) {
        notes.push({
          code: 'engine/lora-te-unet',
          severity: 'warning',
          message: 'diffusers set_adapters takes one weight per LoRA here; the unet weight is used',
          source: lora.source,
        });
      }
      return { name: lora.name, file: loraFileName(lora), weight: lora.unet };
    }),
  };
  return { payload, notes };
}
