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
import type { A1111Conditioning, FileModel, GenerationParameters, PromptModel, ResolvedPrompt, ScheduleOptions } from './model.js';
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
    const resolved = {
      node: text,
      text: expanded.text,
      sourceMap: expanded.sourceMap,
      loras: loraUsesOf(expanded.text, expanded.sourceMap, lines),
    } as ResolvedPrompt;
    defineLazyConditioning(resolved, { text: expanded.text, condition, firstPass, hiresPass });
    return resolved;
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

/** What the lazy `a1111`/`a1111Hires` getters need, kept on the prompt under a private symbol. */
interface LazyConditioning {
  text: string;
  condition: Conditioner;
  firstPass: ScheduleOptions;
  hiresPass: ScheduleOptions | undefined;
  first?: A1111Conditioning;
  hires?: A1111Conditioning;
}

const lazyState: unique symbol = Symbol('sdprompt.lazyConditioning');

type LazyPrompt = ResolvedPrompt & { [lazyState]: LazyConditioning };

// One getter function for every prompt (not a closure per prompt): V8 keeps accessor functions in the
// object's hidden class, so a fresh closure each time made a new hidden class per prompt, and those kept
// every analysed file alive until a full garbage collection.
function readFirstPass(this: LazyPrompt): A1111Conditioning {
  const state = this[lazyState];
  return (state.first ??= state.condition(state.text, state.firstPass));
}

function readHiresPass(this: LazyPrompt): A1111Conditioning | undefined {
  const state = this[lazyState];
  if (!state.hiresPass) return undefined;
  return (state.hires ??= state.condition(state.text, state.hiresPass));
}

/**
 * The A1111 model is the costly part and many readers (formatter, outline, completion) never look at
 * it: `a1111` (and `a1111Hires`) run it on first read, once. They are own enumerable properties, so
 * JSON output and deep equality see them like any other.
 */
function defineLazyConditioning(prompt: ResolvedPrompt, state: LazyConditioning): void {
  Object.defineProperty(prompt, lazyState, { value: state, enumerable: false, writable: true, configurable: true });
  Object.defineProperty(prompt, 'a1111', { get: readFirstPass, enumerable: true, configurable: true });
  if (state.hiresPass) Object.defineProperty(prompt, 'a1111Hires', { get: readHiresPass, enumerable: true, configurable: true });
}

