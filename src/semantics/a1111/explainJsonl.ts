/**
 * The `explain --engine a1111 --jsonl` contract: each non-blank input line is
 * `{"prompt": str, "steps": int, "hires_steps": int|null}` and gets exactly one output line,
 * `{"networks": [...], "subprompts": [...]}` or `{"error": "..."}` (bad JSON, bad fields, or a
 * prompt on which A1111 itself raises). `steps` defaults to 20 (A1111's default), `hires_steps`
 * to null.
 */
import { conditionA1111, DEFAULT_STEPS, stringifyPythonJson, toExplainJson } from './condition.js';

function describeLineError(lineNumber: number, message: string): string {
  return stringifyPythonJson({ error: `line ${lineNumber}: ${message}` }) + '\n';
}

/** Explains one parsed JSON value; throws a string message for bad input. */
export function explainRequest(request: unknown): string {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw 'expected a JSON object {"prompt": ..., "steps": ...}';
  const record = request as Record<string, unknown>;
  const prompt = record.prompt;
  if (typeof prompt !== 'string') throw '"prompt" must be a string';
  const steps = record.steps ?? DEFAULT_STEPS;
  if (typeof steps !== 'number' || !Number.isInteger(steps)) throw '"steps" must be an integer';
  const hires = record.hires_steps ?? null;
  if (hires !== null && (typeof hires !== 'number' || !Number.isInteger(hires))) throw '"hires_steps" must be an integer or null';
  return stringifyPythonJson(toExplainJson(conditionA1111(prompt, { steps, hiresSteps: hires })));
}

/** Runs the contract over a whole input, calling `write` with chunks of output lines. */
export function explainJsonLines(input: string, write: (chunk: string) => void): void {
  const lines = input.split('\n');
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line.trim() === '') continue;
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch (error) {
      out += describeLineError(i + 1, `invalid JSON (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    try {
      out += explainRequest(request) + '\n';
    } catch (error) {
      out += describeLineError(i + 1, typeof error === 'string' ? error : `internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (out.length > 1 << 16) {
      write(out);
      out = '';
    }
  }
  if (out.length > 0) write(out);
}
