/**
 * Canonical spelling of the weights a prompt writes: emphasis weights `(x:w)` and AND weights
 * `… :w AND …`. (Schedule steps `[a:b:when]` are printed as written: see prompt-text.ts.)
 *
 * A number is only ever respelled when A1111 reads the new spelling as exactly the same value:
 *  - weights go through Python's float() (modules/prompt_parser.py parse_prompt_attention and
 *    re_weight), so `1.20`, `01.2` and `+1.2` all mean 1.2 and print as `1.2`, `.5` as `0.5`.
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
