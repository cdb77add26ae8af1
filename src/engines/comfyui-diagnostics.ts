/**
 * ComfyUI's `node_errors` (and a top-level `error` that names no node's inputs) as Diagnostics at
 * the place in the prompt file the failing node came from, so `sdprompt render` reports a refused
 * LoRA, checkpoint or sampler name the way `lint` reports a problem: file:line:col, code, message.
 *
 * The shapes are ComfyUI's execution.py validate_prompt answer (engine-apis.md §1): `node_errors` is
 * `{id: {errors: [{type, message, details, extra_info: {input_name, …}}], dependent_outputs,
 * class_type}}`; an `invalid_prompt` error names its node only in `details` ("Node ID '#5'").
 */
import type { Diagnostic, Severity } from '../core/diagnostic.js';
import type { IrSource } from '../compile/ir.js';
import type { Range } from '../grammar/ast.js';
import { closestName } from '../grammar/did-you-mean.js';
import type { ComfyNodeError, ComfyValidationError } from './comfyui-validate.js';

export const COMFY_NODE_ERROR_CODE = 'engine/comfyui-node-error';

/** Where graph nodes come from (TargetResult of toComfyGraph) and how offsets become ranges. */
export interface NodeErrorLocator {
  nodeSources?: Record<string, IrSource>;
  inputSources?: Record<string, Record<string, IrSource>>;
  /** The prompt definition: for nodes with no source of their own. */
  fallback?: IrSource;
  /** Document offsets → a Range; without it every diagnostic sits at the start of the file. */
  rangeOf?: (source: IrSource) => Range;
  /**
   * The values a combo input accepts (from `/object_info`), for "did you mean": ComfyUI's answer
   * lists them only when there are at most 20.
   */
  choices?: (classType: string, inputName: string) => readonly unknown[] | undefined;
}

const FILE_START: Range = { start: { offset: 0, line: 0, column: 0 }, end: { offset: 0, line: 0, column: 0 } };

function locate(locator: NodeErrorLocator, nodeId: string | undefined, inputName: unknown): Range {
  const source =
    (nodeId !== undefined && typeof inputName === 'string' ? locator.inputSources?.[nodeId]?.[inputName] : undefined) ??
    (nodeId !== undefined ? locator.nodeSources?.[nodeId] : undefined) ??
    locator.fallback;
  return source && locator.rangeOf ? locator.rangeOf(source) : FILE_START;
}

function describe(error: ComfyValidationError): string {
  return `${error.message}${error.details ? `: ${error.details}` : ''}`;
}

/** `; did you mean 'x'?` for a refused combo value close to an accepted one. */
function didYouMean(error: ComfyValidationError, classType: string, locator: NodeErrorLocator): string {
  const { input_name: input, received_value: received, input_config: config } = error.extra_info ?? {};
  if (error.type !== 'value_not_in_list' || typeof input !== 'string' || typeof received !== 'string') return '';
  const listed = Array.isArray(config) && Array.isArray(config[0]) ? (config[0] as unknown[]) : locator.choices?.(classType, input);
  const names = (listed ?? []).filter((choice): choice is string => typeof choice === 'string');
  const closest = closestName(received, names);
  return closest === undefined ? '' : `; did you mean '${closest}'?`;
}

/** One diagnostic per error of every node, in node order, at the input's or node's source. */
export function nodeErrorDiagnostics(nodeErrors: Record<string, ComfyNodeError>, locator: NodeErrorLocator, severity: Severity = 'error'): Diagnostic[] {
  return Object.entries(nodeErrors).flatMap(([id, entry]) =>
    (entry.errors ?? []).map((error) => ({
      code: COMFY_NODE_ERROR_CODE,
      severity,
      message: `ComfyUI node ${id} (${entry.class_type}): ${describe(error)}${didYouMean(error, entry.class_type, locator)}`,
      range: locate(locator, id, error.extra_info?.input_name),
    })),
  );
}

/**
 * Diagnostics for a whole refusal: the node errors, or, when there are none, the top-level error
 * (an unknown node class, no output node) at the node `details` names or at the prompt.
 */
export function refusalDiagnostics(
  answer: { error?: ComfyValidationError; node_errors?: Record<string, ComfyNodeError> },
  locator: NodeErrorLocator,
): Diagnostic[] {
  const fromNodes = nodeErrorDiagnostics(answer.node_errors ?? {}, locator);
  if (fromNodes.length > 0 || !answer.error) return fromNodes;
  const nodeId = /Node ID '#([^']+)'/.exec(answer.error.details ?? '')?.[1];
  return [{ code: COMFY_NODE_ERROR_CODE, severity: 'error', message: `ComfyUI: ${describe(answer.error)}`, range: locate(locator, nodeId, undefined) }];
}
