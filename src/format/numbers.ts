/**
 * Canonical spelling of the numbers a prompt writes: emphasis weights `(x:w)`, AND weights
 * `… :w AND …` and schedule steps `[a:b:when]`.
 *
 * A number is only ever respelled when A1111 reads the new spelling as exactly the same value:
 *  - weights go through Python's float() (modules/prompt_parser.py parse_prompt_attention and
 *    re_weight), so `1.20`, `01.2` and `+1.2` all mean 1.2 and print as `1.2`;
 *  - a schedule step is an integer step when it has no `.` and a fraction of the steps when it has
 *    one (prompt_parser.py get_learned_conditioning_prompt_schedules: `if "." in s`), so the dot is
 *    kept or left out exactly as written: `.5` → `0.5`, `5.` → `5.0`, `05` → `5`.
 * Anything unusual (NaN like `1..2`, exponents, -0) keeps its raw spelling.
 */

/** The shortest decimal spelling of `value` that reads back as the same double, if plain. */
function plainDecimal(value: number): string | undefined {
  if (!Number.isFinite(value) || Object.is(value, -0)) return undefined;
  // JS String(number) is the shortest round-tripping spelling, as Python's repr(float) is.
  const text = String(value);
  return /^-?\d+(\.\d+)?$/.test(text) ? text : undefined;
}

/**
 * The canonical spelling of a weight (emphasis or AND weight). `raw` must match A1111's weight
 * pattern `[+-]?[.\d]+`; the result matches it too.
 */
export function canonicalWeight(raw: string, value: number): string {
  if (!/^[+-]?[.\d]+$/.test(raw)) return raw;
  const text = plainDecimal(value);
  if (text === undefined) return raw;
  if (Number(text) !== value) return raw;
  return text;
}

/**
 * The canonical spelling of a schedule step `when`. The result has a `.` exactly when `raw` has
 * one, so an integer step stays a step and a fraction stays a fraction.
 */
export function canonicalScheduleStep(raw: string, value: number): string {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw)) return raw;
  const text = plainDecimal(value);
  if (text === undefined || Number(text) !== value) return raw;
  const hasDot = raw.includes('.');
  if (hasDot) return text.includes('.') ? text : `${text}.0`;
  // Without a dot the value is an integer already (digits only, maybe signed).
  return text.includes('.') ? raw : text;
}
