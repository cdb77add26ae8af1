/**
 * LoRA multipliers as A1111's built-in Lora extension reads them
 * (extensions-builtin/Lora/extra_networks_lora.py `ExtraNetworkLora.activate`, and
 * modules/extra_networks.py `ExtraNetworkParams`):
 *  - an arg is named when `arg.split('=', 2)` has exactly two parts (so `a=b=c` is positional);
 *  - `<lora:name>` te = 1.0; `<lora:name:M>` te = unet = M; `<lora:name:TE:UNET[:DYN]>`;
 *  - named `te=`, `unet=`, `dyn=` override the positional ones; unet defaults to te;
 *  - `lyco` is an alias (scripts/lora_script.py `register_extra_network_alias`).
 * Values go through Python `float()`/`int()`; where those raise, A1111 fails to activate every
 * LoRA of the batch, which `error` reports.
 */
import type { Range } from '../../grammar/ast.js';
import type { ExtraNetworkCall, LoraUse } from '../model.js';
import { isPythonSpace, pythonRepr } from './pythonText.js';

export const LORA_TYPES: readonly string[] = ['lora', 'lyco'];

/** Maps offsets of the prompt text to a document range. */
export type RangeOf = (start: number, end: number) => Range;

const offsetsOnly: RangeOf = (start, end) => ({
  start: { offset: start, line: 0, column: start },
  end: { offset: end, line: 0, column: end },
});

function strip(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isPythonSpace(text[a]!)) a++;
  while (b > a && isPythonSpace(text[b - 1]!)) b--;
  return text.slice(a, b);
}

const plainDecimal = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/** Python `float(str)`; undefined where it raises. */
export function pythonFloatLiteral(text: string): number | undefined {
  // The common case (`0.6`, `1`, `.5`) needs no stripping, case folding or underscores.
  if (plainDecimal.test(text)) return Number(text);
  const s = strip(text).toLowerCase();
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(s);
  if (special) return special[2] === 'nan' ? Number.NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d(?:_?\d)*)?$/.test(s)) return undefined;
  return Number(s.replace(/_/g, ''));
}

/** Python `int(str)`; undefined where it raises. */
export function pythonIntLiteral(text: string): number | undefined {
  const s = strip(text);
  if (!/^[+-]?\d(?:_?\d)*$/.test(s)) return undefined;
  return Number(s.replace(/_/g, ''));
}

interface Params {
  positional: string[];
  /** Named args in order; a later one of the same name wins, as in A1111's dict. Usually empty. */
  named: Array<[string, string]>;
}

function params(args: string[]): Params {
  const positional: string[] = [];
  const named: Array<[string, string]> = [];
  for (const item of args) {
    if (item.indexOf('=') === -1) {
      positional.push(item);
      continue;
    }
    const parts = splitLimit(item, '=', 2);
    if (parts.length === 2) named.push([parts[0]!, parts[1]!]);
    else positional.push(item);
  }
  return { positional, named };
}

function namedArg(named: Array<[string, string]>, name: string): string | undefined {
  let value: string | undefined;
  for (const [key, entry] of named) if (key === name) value = entry;
  return value;
}

/** Python `str.split(sep, maxsplit)`. */
function splitLimit(text: string, separator: string, maxSplit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (out.length < maxSplit) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  out.push(rest);
  return out;
}

/** Python float() of a LoRA argument; NaN (and the error A1111 would raise, in `errors`) where it raises. */
function float(text: string, errors: string[]): number {
  const value = pythonFloatLiteral(text);
  if (value === undefined) errors.push(`ValueError: could not convert string to float: ${pythonRepr(text)}`);
  return value ?? Number.NaN;
}

/** Python int() of a LoRA argument, like float(). */
function int(text: string, errors: string[]): number {
  const value = pythonIntLiteral(text);
  if (value === undefined) errors.push(`ValueError: invalid literal for int() with base 10: ${pythonRepr(text)}`);
  return value ?? Number.NaN;
}

/** The LoRA (and `lyco`) calls among `calls`, in the given order, with A1111's multipliers. */
export function loraUses(calls: readonly ExtraNetworkCall[], rangeOf: RangeOf = offsetsOnly): LoraUse[] {
  const uses: LoraUse[] = [];
  for (const call of calls) {
    if (!LORA_TYPES.includes(call.type)) continue;
    const { positional, named } = params(call.args);
    const errors: string[] = [];
    let te = positional.length > 1 ? float(positional[1]!, errors) : 1.0;
    const namedTe = namedArg(named, 'te');
    if (namedTe !== undefined) te = float(namedTe, errors);
    let unet = positional.length > 2 ? float(positional[2]!, errors) : te;
    const namedUnet = namedArg(named, 'unet');
    if (namedUnet !== undefined) unet = float(namedUnet, errors);
    let dyn = positional.length > 3 ? int(positional[3]!, errors) : undefined;
    const namedDyn = namedArg(named, 'dyn');
    if (namedDyn !== undefined) dyn = int(namedDyn, errors);
    const use: LoraUse = {
      type: call.type,
      // A1111 asserts params.items and takes positional[0]; a call of only named args has no name.
      name: positional[0] ?? '',
      te,
      unet,
      explicitWeight: positional.length > 1 || namedTe !== undefined || namedUnet !== undefined,
      range: rangeOf(call.textStart, call.textEnd),
    };
    if (positional.length === 0) errors.push('IndexError: list index out of range (the tag has no name)');
    if (dyn !== undefined) use.dyn = dyn;
    if (errors.length > 0) use.error = errors[0]!;
    uses.push(use);
  }
  return uses;
}
