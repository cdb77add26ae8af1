/**
 * analyze(): PromptFile AST → FileModel. Resolves includes, expands fragments, merges parameters
 * (defaults < included files < this file's file-level blocks < the prompt's own blocks) and runs each
 * prompt text through the A1111 model. Pure: files are read only through `options.readFile`.
 */
import { dedupeDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import type { PromptDefNode, PromptFile, PromptText } from '../grammar/ast.js';
import { documentLines } from '../grammar/parse.js';
import { conditionPrompt, type Conditioner } from './conditioning.js';
import { FragmentExpander, type FragmentDefinition } from './fragments.js';
import { loadIncludes } from './includes.js';
import { loraUsesOf } from './loras.js';
import type { A1111Conditioning, FileModel, GenerationParameters, LoraUse, PromptModel, ResolvedPrompt, ScheduleOptions } from './model.js';
import { samplerStepMultiplier } from './parameter-values.js';
import { ParameterReader, cloneParameters, defaultParameters } from './parameters.js';

export interface AnalyzeOptions {
  /** Path of the document (resolves relative `@include` paths; reported in include cycles). */
  path?: string;
  /** Reads an included file; undefined when it does not exist. Without it, includes are not resolved. */
  readFile?: (path: string) => string | undefined;
  /** Replaces the A1111 model (tests, or tools that need only structure). */
  condition?: Conditioner;
}

export function analyze(file: PromptFile, options: AnalyzeOptions = {}): FileModel {
  const diagnostics: Diagnostic[] = [];
  const lines = documentLines(file);
  const structured = file.form === 'structured';

  // Parameters: defaults, then included files, then this file's own file-level blocks.
  const base = defaultParameters();
  const fragments = new Map<string, FragmentDefinition>();
  const included = loadIncludes(file, options, diagnostics);
  for (const include of included) {
    const reader = new ParameterReader(diagnostics, { warnUnknownKeys: include.file.form === 'structured', file: include.path });
    for (const block of include.file.blocks) reader.apply(block, base);
    for (const fragment of include.file.fragments) fragments.set(fragment.name, { node: fragment, file: include.path });
  }
  const reader = new ParameterReader(diagnostics, { warnUnknownKeys: structured });
  for (const block of file.blocks) reader.apply(block, base);
  // The document's own fragments replace included ones of the same name; of two local definitions
  // (a syntax error) the first counts.
  const local = new Set<string>();
  for (const fragment of file.fragments) {
    if (fragment.name === '' || local.has(fragment.name)) continue;
    local.add(fragment.name);
    fragments.set(fragment.name, { node: fragment });
  }

  const expander = new FragmentExpander(fragments, diagnostics);
  const condition = options.condition ?? conditionPrompt;
  const resolve = (text: PromptText, parameters: GenerationParameters, multiplier: number): ResolvedPrompt => {
    const expanded = expander.expand(text);
    // A1111 processing.py: the first pass is conditioned over total_steps = sampler_config.total_steps
    // (steps, doubled for second-order samplers) with no hires steps; the hires pass
    // (calculate_hr_conds) over (first-pass total, total of hr_second_pass_steps or steps).
    const firstPass = { steps: parameters.steps * multiplier, hiresSteps: null };
    const hiresPass = parameters.hires
      ? { steps: firstPass.steps, hiresSteps: (parameters.hires.steps || parameters.steps) * multiplier }
      : undefined;
    return new LazyResolvedPrompt(text, expanded.text, expanded.sourceMap, loraUsesOf(expanded.text, expanded.sourceMap, lines), { condition, firstPass, hiresPass });
  };

  const prompts: PromptModel[] = file.prompts.map((node: PromptDefNode) => {
    const parameters = cloneParameters(base);
    for (const block of node.blocks) reader.apply(block, parameters);
    const multiplier = samplerStepMultiplier(parameters.sampler);
    const model: PromptModel = { node, positive: resolve(node.positive, parameters, multiplier), parameters };
    if (node.name !== undefined) model.name = node.name;
    const negative = node.negative ?? file.negative;
    if (negative) model.negative = resolve(negative, parameters, multiplier);
    return model;
  });

  return { file, prompts, diagnostics: dedupeDiagnostics(diagnostics) };
}

/** What the lazy `a1111`/`a1111Hires` getters need. */
interface LazyConditioning {
  condition: Conditioner;
  firstPass: ScheduleOptions;
  hiresPass: ScheduleOptions | undefined;
}

/**
 * A resolved prompt whose A1111 model, the costly part that many readers (formatter, outline,
 * completion) never look at, is computed on the first read of `a1111` (or `a1111Hires`), once.
 * A class rather than accessors defined on each object: per-object accessors gave every prompt
 * its own hidden class (slow to create and to read). The getters live on the prototype, so JSON
 * output goes through toJSON, which lists them like the other fields.
 */
class LazyResolvedPrompt implements ResolvedPrompt {
  #lazy: LazyConditioning;
  #first: A1111Conditioning | undefined;
  #hires: A1111Conditioning | undefined;

  constructor(
    readonly node: PromptText,
    readonly text: string,
    readonly sourceMap: Int32Array,
    readonly loras: LoraUse[],
    lazy: LazyConditioning,
  ) {
    this.#lazy = lazy;
  }

  get a1111(): A1111Conditioning {
    return (this.#first ??= this.#lazy.condition(this.text, this.#lazy.firstPass));
  }

  get a1111Hires(): A1111Conditioning | undefined {
    const pass = this.#lazy.hiresPass;
    if (!pass) return undefined;
    return (this.#hires ??= this.#lazy.condition(this.text, pass));
  }

  toJSON(): ResolvedPrompt {
    const hires = this.a1111Hires;
    return { node: this.node, text: this.text, sourceMap: this.sourceMap, a1111: this.a1111, ...(hires ? { a1111Hires: hires } : {}), loras: this.loras };
  }
}
