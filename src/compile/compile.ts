/**
 * The compile stage's entry point: a file model → one compiled payload per prompt, with every
 * lossy step a Diagnostic at its source range (docs/compile.md).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { FileModel } from '../semantics/model.js';
import { toA1111Request } from '../engines/a1111.js';
import { toComfyGraph } from '../engines/comfyui.js';
import { toCompel } from '../engines/compel.js';
import { toSdcppBody, toSdcppCliArgs } from '../engines/sdcpp.js';
import type { IrDocument } from './ir.js';
import { lowerPromptModel, type LowerOptions } from './lower.js';
import { parameterSources } from './parameter-sources.js';
import { LineIndex } from './positions.js';
import type { LossyStep, TargetName, TargetOptions, TargetResult } from './target.js';

export interface CompileOptions extends LowerOptions, TargetOptions {
  target: TargetName;
}

export interface CompiledPrompt {
  /** `@prompt NAME`, absent for a bare prompt. */
  name?: string;
  index: number;
  target: TargetName;
  ir: IrDocument;
  payload: unknown;
  diagnostics: Diagnostic[];
}

/** Runs one adapter on one IR document. */
export function compileIr(ir: IrDocument, target: TargetName, options: TargetOptions = {}): TargetResult {
  switch (target) {
    case 'ir':
      return { payload: ir, notes: [] };
    case 'a1111':
    case 'forge':
    case 'sdnext':
      return toA1111Request(ir, target);
    case 'comfyui':
      return toComfyGraph(ir, options);
    case 'sdcpp':
      return toSdcppBody(ir);
    case 'sdcpp-cli':
      return toSdcppCliArgs(ir);
    case 'compel':
      return toCompel(ir);
  }
}

export function notesToDiagnostics(notes: readonly LossyStep[], lines: LineIndex): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const note of notes) {
    const key = `${note.code}\0${note.source.start}\0${note.source.end}\0${note.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ code: note.code, severity: note.severity, message: note.message, range: lines.range(note.source.start, note.source.end) });
  }
  return out;
}

/**
 * Compiles every prompt of a file. `documentText` is the source the model was built from (for
 * diagnostic positions). A1111's own errors (model.a1111.error) are reported, not compiled around.
 */
export function compileFile(model: FileModel, documentText: string, options: CompileOptions): CompiledPrompt[] {
  const lines = new LineIndex(documentText);
  return model.prompts.map((prompt, index) => {
    const ir = lowerPromptModel(prompt, index, options);
    ir.parameterSources = parameterSources(model.file.blocks, prompt.node.blocks);
    const result = compileIr(ir, options.target, options);
    const diagnostics = notesToDiagnostics(result.notes, lines);
    for (const resolved of [prompt.positive, prompt.negative]) {
      const error = resolved?.a1111.error;
      if (error !== undefined && resolved) {
        diagnostics.push({ code: 'engine/a1111-error', severity: 'error', message: `A1111 itself fails on this prompt: ${error}`, range: resolved.node.range });
      }
    }
    const compiled: CompiledPrompt = { index, target: options.target, ir, payload: result.payload, diagnostics };
    if (prompt.name !== undefined) compiled.name = prompt.name;
    return compiled;
  });
}
