/**
 * Samplers and schedulers from the configured engine. A1111/Forge answer `GET /sdapi/v1/samplers`
 * (`[{name, aliases, options}]`) and, from v1.9.1, `GET /sdapi/v1/schedulers` (`[{name, label, …}]`);
 * ComfyUI lists both as combo inputs of `KSampler` in `GET /object_info/KSampler`
 * (shared/reference/engine-apis.md). An engine that does not answer within the timeout leaves the
 * known lists in place.
 */
import { KNOWN_CATALOG, type ParameterCatalog } from './features/parameter-catalog.js';

export async function fetchEngineCatalog(engineUrl: string, timeoutMs = 2000): Promise<ParameterCatalog> {
  const base = engineUrl.replace(/\/+$/, '');
  const a1111 = await getJson(`${base}/sdapi/v1/samplers`, timeoutMs);
  if (Array.isArray(a1111)) {
    const samplers = a1111.map((item) => (item && typeof item.name === 'string' ? item.name : undefined)).filter(isString);
    const schedulerList = await getJson(`${base}/sdapi/v1/schedulers`, timeoutMs);
    const schedulers = Array.isArray(schedulerList)
      ? schedulerList.map((item) => (item && typeof item.label === 'string' ? item.label : item?.name)).filter(isString)
      : KNOWN_CATALOG.schedulers;
    if (samplers.length > 0) return { samplers, schedulers, source: 'engine' };
  }
  const comfy = await getJson(`${base}/object_info/KSampler`, timeoutMs);
  const required = comfy?.KSampler?.input?.required;
  const samplers = comboValues(required?.sampler_name);
  const schedulers = comboValues(required?.scheduler);
  if (samplers.length > 0) return { samplers, schedulers: schedulers.length > 0 ? schedulers : KNOWN_CATALOG.schedulers, source: 'engine' };
  return KNOWN_CATALOG;
}

/** ComfyUI combos are `[["a", "b"], {…}]` (older) or `["COMBO", {options: […]}]` (newer). */
function comboValues(spec: unknown): string[] {
  if (!Array.isArray(spec)) return [];
  if (Array.isArray(spec[0])) return spec[0].filter(isString);
  const options = (spec[1] as { options?: unknown } | undefined)?.options;
  return Array.isArray(options) ? options.filter(isString) : [];
}

async function getJson(url: string, timeoutMs: number): Promise<any> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    return await response.json();
  } catch {
    return undefined;
  }
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
