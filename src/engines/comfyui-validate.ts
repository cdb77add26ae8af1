/**
 * Validates an API-format graph against `/object_info` the way ComfyUI's execution.py
 * validate_prompt / validate_inputs does (engine-apis.md §1), so that problems are found before a
 * job is sent, and so the loopback test server can answer exactly as ComfyUI would.
 *
 * Implemented rules: unknown or missing class_type (invalid_prompt), no output node
 * (prompt_no_outputs), required_input_missing, bad_linked_input, return_type_mismatch (types
 * compared as comma-separated sets), invalid_input_type after Python-style coercion, min/max,
 * value_not_in_list for V1 combos (V3 `COMBO` and self-validated inputs are not checked), and the
 * partial acceptance: a 200 with node_errors when at least one output passes.
 */

export interface ComfyInputSpec {
  0: string | unknown[];
  1?: Record<string, unknown>;
}

export interface ComfyNodeInfo {
  input: { required?: Record<string, unknown[]>; optional?: Record<string, unknown[]>; hidden?: Record<string, unknown> };
  output: string[];
  output_node: boolean;
  /** Fixture-only marker (object_info.core.json): inputs the node validates itself. */
  _validate_inputs?: string[];
}

export type ObjectInfo = Record<string, ComfyNodeInfo>;

export interface ComfyValidationError {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

export interface ComfyNodeError {
  errors: ComfyValidationError[];
  dependent_outputs: string[];
  class_type: string;
}

export interface ComfyValidationResult {
  /** True when ComfyUI would queue the job (possibly dropping failing outputs). */
  ok: boolean;
  error?: ComfyValidationError;
  node_errors: Record<string, ComfyNodeError>;
  /** Output nodes that would run. */
  outputs: string[];
}

type Graph = Record<string, { class_type?: unknown; inputs?: Record<string, unknown> }>;

function isLink(value: unknown): value is [unknown, unknown] {
  return Array.isArray(value) && value.length === 2;
}

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$|^\s*[+-]?(inf|infinity|nan)\s*$/i;

/** Python's int()/float()/str()/bool() as execution.py applies them before range checks. */
export function coerceComfyValue(type: string, value: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  switch (type) {
    case 'INT':
      if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: Math.trunc(value) };
      if (typeof value === 'string' && INT_TEXT.test(value)) return { ok: true, value: Number.parseInt(value, 10) };
      return { ok: false, reason: `invalid literal for int(): ${JSON.stringify(value)}` };
    case 'FLOAT':
      if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
      if (typeof value === 'number') return { ok: true, value };
      if (typeof value === 'string' && FLOAT_TEXT.test(value)) return { ok: true, value: Number(value.trim().replace(/^([+-]?)inf(inity)?$/i, '$1Infinity')) };
      return { ok: false, reason: `could not convert string to float: ${JSON.stringify(value)}` };
    case 'STRING':
      if (value !== null && typeof value === 'object') return { ok: false, reason: 'not a string' };
      return { ok: true, value: String(value) };
    case 'BOOLEAN':
      // bool("false") is True in Python (engine-apis.md §1 "Validation gotchas").
      return { ok: true, value: value !== '' && value !== 0 && value !== false && value !== null };
    default:
      return { ok: true, value };
  }
}

function typeSet(type: string): Set<string> {
  return new Set(type.split(',').map((t) => t.trim()));
}

/** ComfyUI validation.py: types match if either is `*` or the comma-separated sets intersect exactly. */
function typesMatch(received: string, expected: string): boolean {
  if (received === '*' || expected === '*') return true;
  const a = typeSet(received);
  const b = typeSet(expected);
  return [...a].every((t) => b.has(t)) || [...b].every((t) => a.has(t));
}

function error(type: string, message: string, details: string, extra: Record<string, unknown>): ComfyValidationError {
  return { type, message, details, extra_info: extra };
}

/**
 * Inputs core nodes validate themselves (VALIDATE_INPUTS in nodes.py), which a live /object_info does
 * not mark: LoadImage accepts any existing input file, including one uploaded after /object_info was read.
 */
export const SELF_VALIDATED_INPUTS: Readonly<Record<string, readonly string[]>> = { LoadImage: ['image'], LoadImageMask: ['image'] };

export function validateComfyGraph(
  graph: unknown,
  objectInfo: ObjectInfo,
  selfValidated: Readonly<Record<string, readonly string[]>> = SELF_VALIDATED_INPUTS,
): ComfyValidationResult {
  const nodes = (graph ?? {}) as Graph;
  if (typeof graph !== 'object' || graph === null || Array.isArray(graph)) {
    return { ok: false, error: error('invalid_prompt', 'Invalid prompt', 'prompt must be an object', {}), node_errors: {}, outputs: [] };
  }
  const outputs: string[] = [];
  for (const [id, node] of Object.entries(nodes)) {
    if (typeof node !== 'object' || node === null || typeof node.class_type !== 'string') {
      return {
        ok: false,
        error: error('invalid_prompt', 'Cannot execute because a node is missing the class_type property.', `Node ID '#${id}'`, {}),
        node_errors: {},
        outputs: [],
      };
    }
    const info = objectInfo[node.class_type];
    if (!info || typeof info !== 'object' || !('input' in info)) {
      return {
        ok: false,
        error: error('invalid_prompt', `Cannot execute because node ${node.class_type} does not exist.`, `Node ID '#${id}'`, {}),
        node_errors: {},
        outputs: [],
      };
    }
    if (info.output_node) outputs.push(id);
  }
  if (outputs.length === 0) {
    return { ok: false, error: error('prompt_no_outputs', 'Prompt has no outputs', '', {}), node_errors: {}, outputs: [] };
  }

  const nodeErrors = new Map<string, ComfyValidationError[]>();
  const validated = new Map<string, boolean>();
  const validateNode = (id: string): boolean => {
    const known = validated.get(id);
    if (known !== undefined) return known;
    validated.set(id, true); // cycle guard
    const node = nodes[id]!;
    const info = objectInfo[node.class_type as string]!;
    const inputs = node.inputs ?? {};
    const errors: ComfyValidationError[] = [];
    let upstreamOk = true;
    const specs: Array<[string, unknown[], boolean]> = [
      ...Object.entries(info.input.required ?? {}).map(([name, spec]) => [name, spec, true] as [string, unknown[], boolean]),
      ...Object.entries(info.input.optional ?? {}).map(([name, spec]) => [name, spec, false] as [string, unknown[], boolean]),
    ];
    for (const [name, spec, required] of specs) {
      const value = inputs[name];
      if (value === undefined) {
        if (required) errors.push(error('required_input_missing', 'Required input is missing', name, { input_name: name }));
        continue;
      }
      const type = spec[0];
      const options = (spec[1] ?? {}) as Record<string, unknown>;
      if (isLink(value)) {
        const [fromId, slot] = value;
        const from = typeof fromId === 'string' || typeof fromId === 'number' ? nodes[String(fromId)] : undefined;
        if (!from || typeof slot !== 'number' || !Number.isInteger(slot)) {
          errors.push(error('bad_linked_input', 'Bad linked input, must be a length-2 list of [node_id, slot_index]', name, { input_name: name, received_value: value }));
          continue;
        }
        const fromInfo = objectInfo[from.class_type as string]!;
        const received = fromInfo.output[slot];
        const expected = Array.isArray(type) ? 'COMBO' : String(type);
        if (received === undefined || !typesMatch(received, expected)) {
          errors.push(
            error('return_type_mismatch', 'Return type mismatch between linked nodes', `${name}, received_type(${received}) mismatch input_type(${expected})`, {
              input_name: name,
              received_type: received,
              linked_node: value,
            }),
          );
          continue;
        }
        if (!validateNode(String(fromId))) upstreamOk = false;
        continue;
      }
      if (info._validate_inputs?.includes(name) || selfValidated[node.class_type as string]?.includes(name)) continue;
      if (Array.isArray(type)) {
        if (!type.includes(value)) {
          const listText = type.length > 20 ? `(list of length ${type.length})` : JSON.stringify(type);
          errors.push(
            error('value_not_in_list', 'Value not in list', `${name}: '${String(value)}' not in ${listText}`, {
              input_name: name,
              input_config: type.length > 20 ? null : spec,
              received_value: value,
            }),
          );
        }
        continue;
      }
      if (type === 'COMBO') continue; // V3 combos are not checked at validation
      const coerced = coerceComfyValue(String(type), value);
      if (!coerced.ok) {
        errors.push(
          error('invalid_input_type', `Failed to convert an input value to a ${String(type)} value`, `${name}, ${String(value)}, ${coerced.reason}`, {
            input_name: name,
            input_config: spec,
            received_value: value,
          }),
        );
        continue;
      }
      const number = coerced.value;
      if (typeof number === 'number') {
        if (typeof options.min === 'number' && number < options.min) {
          errors.push(error('value_smaller_than_min', `Value ${number} smaller than min of ${options.min}`, `${name}`, { input_name: name, input_config: spec, received_value: value }));
        }
        if (typeof options.max === 'number' && number > options.max) {
          errors.push(error('value_bigger_than_max', `Value ${number} bigger than max of ${options.max}`, `${name}`, { input_name: name, input_config: spec, received_value: value }));
        }
      }
    }
    if (errors.length > 0) nodeErrors.set(id, errors);
    const ok = errors.length === 0 && upstreamOk;
    validated.set(id, ok);
    return ok;
  };

  const passing: string[] = [];
  const failing = new Map<string, string[]>();
  for (const output of outputs) {
    validated.clear();
    const before = new Set(nodeErrors.keys());
    if (validateNode(output)) passing.push(output);
    else {
      for (const id of nodeErrors.keys()) {
        if (!before.has(id) || validated.has(id)) failing.set(id, [...(failing.get(id) ?? []), output]);
      }
    }
  }
  const node_errors: Record<string, ComfyNodeError> = {};
  for (const [id, errors] of nodeErrors) {
    node_errors[id] = { errors, dependent_outputs: [...new Set(failing.get(id) ?? [])], class_type: String(nodes[id]!.class_type) };
  }
  if (passing.length === 0) {
    const details = Object.values(node_errors)
      .flatMap((entry) => entry.errors.map((e) => `${e.message}: ${e.details}`))
      .join('\n');
    return { ok: false, error: error('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details, {}), node_errors, outputs: [] };
  }
  return { ok: true, node_errors, outputs: passing };
}

/** Replaces the fixture's `$FILES:<folder>` combo placeholders with real file lists. */
export function withFileLists(objectInfo: Record<string, unknown>, files: Record<string, string[]>): ObjectInfo {
  const out: ObjectInfo = {};
  for (const [name, value] of Object.entries(objectInfo)) {
    if (name.startsWith('_')) continue;
    out[name] = JSON.parse(JSON.stringify(value), (_key, v: unknown) => {
      if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string' && v[0].startsWith('$FILES:')) return [...(files[v[0].slice(7)] ?? [])];
      return v;
    }) as ComfyNodeInfo;
  }
  return out;
}
