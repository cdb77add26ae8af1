/**
 * Source text → compiled prompts, the whole front end in one call: parse, analyze (includes read
 * through `readFile`), lower, run the target. Syntax and semantic diagnostics come back with the
 * compile ones so callers print one list.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { parse } from '../grammar/parse.js';
import { analyze } from '../semantics/analyze.js';
import { compileFile, type CompileOptions, type CompiledPrompt } from './compile.js';

export interface SourceOptions extends CompileOptions {
  path?: string;
  readFile?: (path: string) => string | undefined;
}

export interface CompiledSource {
  prompts: CompiledPrompt[];
  /** Syntax (parse) and semantic (analyze) diagnostics of the file. */
  diagnostics: Diagnostic[];
}

export function compileSource(text: string, options: SourceOptions): CompiledSource {
  const parsed = parse(text);
  const model = analyze(parsed.ast, {
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.readFile ? { readFile: options.readFile } : {}),
  });
  return { prompts: compileFile(model, text, options), diagnostics: [...parsed.diagnostics, ...model.diagnostics] };
}
