/**
 * Lists from running engines (engine-apis.md §2 and §6, a1111.md §6):
 *  - A1111/Forge: `GET /sdapi/v1/loras` → `[{name, alias, path, metadata}]`,
 *    `GET /sdapi/v1/sd-models` → `[{title, model_name, hash, sha256, filename}]`,
 *    `GET /sdapi/v1/embeddings` → `{loaded: {name: {shape, vectors}}, skipped: {…}}`;
 *  - ComfyUI: `GET /models/loras` and `/models/checkpoints` (relative paths, `\` on Windows),
 *    `GET /view_metadata/loras?filename=` (the safetensors `__metadata__`, 404 when none),
 *    `GET /embeddings` (names without extension).
 * Every request has a timeout; a failure becomes a diagnostic naming the URL, never an exception.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { fileDiagnostic } from './diagnostics.js';
import { mapLimit } from './folder-scan.js';
import { algorithmFromMetadata } from './classify.js';
import { buildLoraEntry, isPickle, type LoraFileFacts } from './lora-entry.js';

export { algorithmFromMetadata } from './classify.js';
import type { EngineKind, EngineSourceOptions } from './options.js';
import { parseTagFrequency } from './sidecars.js';
import type { BaseModel, CheckpointEntry, EmbeddingEntry, LoraEntry, SourceRef } from './types.js';

export interface EngineInventory {
  kind?: EngineKind;
  loras: LoraEntry[];
  embeddings: EmbeddingEntry[];
  checkpoints: CheckpointEntry[];
  diagnostics: Diagnostic[];
}

/** Responses larger than this are refused (a list of LoRAs is KBs to a few MB). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

class EngineError extends Error {}

async function getJson(base: string, route: string, timeoutMs: number): Promise<unknown> {
  const url = new URL(route, base.endsWith('/') ? base : `${base}/`);
  const headers: Record<string, string> = { accept: 'application/json' };
  // `http://user:pass@host` (A1111 --api-auth): fetch refuses credentials in URLs, so send them as Basic auth.
  if (url.username || url.password) {
    headers['authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : cause ?? (error as Error).message;
    throw new EngineError(`GET ${url.pathname}: ${reason}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const hint = response.status === 401 ? ' (the engine wants a user and password: http://USER:PASS@host:port)' : '';
    throw new EngineError(`GET ${url.pathname}: HTTP ${response.status}${hint}`);
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_RESPONSE_BYTES) throw new EngineError(`GET ${url.pathname}: response of ${length} bytes is too large`);
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new EngineError(`GET ${url.pathname}: the answer is not JSON`);
  }
}

/** Reads everything an engine lists. `kind` undefined: ask A1111's route first, then ComfyUI's. */
export async function readEngine(engine: EngineSourceOptions, timeoutMs: number): Promise<EngineInventory> {
  const inventory: EngineInventory = { loras: [], embeddings: [], checkpoints: [], diagnostics: [] };
  const shown = redactedUrl(engine.url);
  const fail = (message: string, code = 'library/engine-unreachable') =>
    inventory.diagnostics.push(fileDiagnostic(code, 'warning', `${shown}: ${message}`, shown));
  let kind = engine.kind;
  let loraList: unknown;
  if (kind !== 'comfyui') {
    try {
      loraList = await getJson(engine.url, 'sdapi/v1/loras', timeoutMs);
      kind = 'a1111';
    } catch (error) {
      if (kind === 'a1111') {
        fail(`${(error as Error).message} (is A1111/Forge running with --api?)`);
        return inventory;
      }
    }
  }
  if (kind !== 'a1111') {
    try {
      loraList = await getJson(engine.url, 'models/loras', timeoutMs);
      kind = 'comfyui';
    } catch (error) {
      fail(engine.kind === 'comfyui' ? (error as Error).message : `${(error as Error).message}; neither an A1111 nor a ComfyUI API answered`);
      return inventory;
    }
  }
  inventory.kind = kind;
  const source: SourceRef = { kind: kind!, url: shown };
  const optional = async (route: string): Promise<unknown> => {
    try {
      return await getJson(engine.url, route, timeoutMs);
    } catch (error) {
      fail((error as Error).message, 'library/engine-response');
      return undefined;
    }
  };
  if (kind === 'a1111') {
    inventory.loras = a1111Loras(loraList, source, fail);
    inventory.checkpoints = a1111Checkpoints(await optional('sdapi/v1/sd-models'), source);
    inventory.embeddings = a1111Embeddings(await optional('sdapi/v1/embeddings'), source);
  } else {
    const names = stringList(loraList);
    if (!names) fail('GET /models/loras did not return a list of file names', 'library/engine-response');
    inventory.loras = await mapLimit(names ?? [], 8, async (name) => {
      // 404 means "no metadata" (a pickle file or an empty __metadata__), not an error.
      let metadata: Record<string, string> = {};
      try {
        metadata = stringValues(await getJson(engine.url, `view_metadata/loras?filename=${encodeURIComponent(name)}`, timeoutMs));
      } catch {
        metadata = {};
      }
      return engineLora(name.replace(/\\/g, '/'), undefined, metadata, source);
    });
    inventory.checkpoints = (stringList(await optional('models/checkpoints')) ?? []).map((name) => engineCheckpoint(name.replace(/\\/g, '/'), source));
    inventory.embeddings = (stringList(await optional('embeddings')) ?? []).map((name) => engineEmbedding(name, source));
  }
  return inventory;
}

/** The URL without its password, for messages and entries. */
export function redactedUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return value;
  }
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

/** A1111 returns metadata with JSON-looking values already parsed; bring them back to strings. */
function stringValues(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = typeof item === 'string' ? item : JSON.stringify(item);
  return out;
}

function baseName(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop() ?? file;
}

function stemOf(file: string): string {
  return baseName(file).replace(/\.[^.]+$/, '');
}

function engineLora(relativePath: string, alias: string | undefined, metadata: Record<string, string>, source: SourceRef): LoraEntry {
  const { ss_tag_frequency: tags, ...rest } = metadata;
  const facts: LoraFileFacts = {
    fileFormat: isPickle(relativePath) ? 'pickle' : 'safetensors',
    keyFormat: 'unknown',
    algorithm: algorithmFromMetadata(metadata),
    keyBaseModel: 'unknown',
    tensorCount: 0,
    targets: { unet: false, textEncoder: false },
    looksLikeEmbedding: false,
    metadata: rest,
    tagFrequency: parseTagFrequency(tags),
  };
  const dim = Number(metadata['ss_network_dim']);
  if (Number.isFinite(dim) && dim > 0) facts.rank = dim;
  const alpha = Number(metadata['ss_network_alpha']);
  if (metadata['ss_network_alpha'] !== undefined && Number.isFinite(alpha)) facts.alpha = alpha;
  // A1111 already applied its alias rule; keep its alias when the metadata lacks ss_output_name.
  if (alias && !facts.metadata['ss_output_name'] && alias !== stemOf(relativePath)) facts.metadata['ss_output_name'] = alias;
  return buildLoraEntry({ name: stemOf(relativePath), relativePath, source, size: 0, mtimeMs: 0, facts, diagnostics: [] });
}

function a1111Loras(value: unknown, source: SourceRef, fail: (message: string, code?: string) => void): LoraEntry[] {
  if (!Array.isArray(value)) {
    fail('GET /sdapi/v1/loras did not return a list', 'library/engine-response');
    return [];
  }
  const entries: LoraEntry[] = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const { name, alias, path, metadata } = item as Record<string, unknown>;
    if (typeof name !== 'string') continue;
    const file = typeof path === 'string' ? path : `${name}.safetensors`;
    // The server's path is absolute on its own disk; below `models/Lora/` it is the relative path.
    const normalized = file.replace(/\\/g, '/');
    const match = /\/models\/(?:Lora|LyCORIS)\/(.+)$/i.exec(normalized);
    const entry = engineLora(match ? match[1]! : baseName(normalized), typeof alias === 'string' ? alias : undefined, stringValues(metadata), source);
    entry.name = name;
    entries.push(entry);
  }
  return entries;
}

function engineCheckpoint(relativePath: string, source: SourceRef): CheckpointEntry {
  return {
    kind: 'checkpoint', name: stemOf(relativePath), relativePath, source, fileFormat: isPickle(relativePath) ? 'pickle' : 'safetensors',
    size: 0, mtimeMs: 0, baseModel: 'unknown', baseModelSource: 'none', inpainting: false, diagnostics: [],
  };
}

function a1111Checkpoints(value: unknown, source: SourceRef): CheckpointEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (!item || typeof item !== 'object') return [];
    const { title, model_name: modelName, hash, filename } = item as Record<string, unknown>;
    const file = typeof filename === 'string' ? filename : typeof modelName === 'string' ? `${modelName}.safetensors` : undefined;
    if (!file) return [];
    const normalized = file.replace(/\\/g, '/');
    const match = /\/models\/Stable-diffusion\/(.+)$/i.exec(normalized);
    const entry = engineCheckpoint(match ? match[1]! : baseName(normalized), source);
    if (typeof title === 'string') entry.title = title;
    if (typeof hash === 'string' && hash) entry.engineHash = hash;
    return [entry];
  });
}

function engineEmbedding(name: string, source: SourceRef, baseModel: BaseModel = 'unknown', vectors?: number): EmbeddingEntry {
  const entry: EmbeddingEntry = {
    kind: 'embedding', name: stemOf(name), relativePath: name.replace(/\\/g, '/'), source, fileFormat: 'safetensors',
    size: 0, mtimeMs: 0, baseModel, diagnostics: [],
  };
  if (vectors !== undefined) entry.vectors = vectors;
  return entry;
}

function a1111Embeddings(value: unknown, source: SourceRef): EmbeddingEntry[] {
  if (!value || typeof value !== 'object') return [];
  const loaded = (value as Record<string, unknown>)['loaded'];
  const skipped = (value as Record<string, unknown>)['skipped'];
  const entries: EmbeddingEntry[] = [];
  for (const group of [loaded, skipped]) {
    if (!group || typeof group !== 'object') continue;
    for (const [name, info] of Object.entries(group as Record<string, unknown>)) {
      const details = (info && typeof info === 'object' ? info : {}) as Record<string, unknown>;
      const shape = typeof details['shape'] === 'number' ? details['shape'] : undefined;
      const vectors = typeof details['vectors'] === 'number' ? details['vectors'] : undefined;
      const baseModel: BaseModel = shape === 768 ? 'sd1' : shape === 1024 ? 'sd2' : 'unknown';
      entries.push(engineEmbedding(name, source, baseModel, vectors));
    }
  }
  return entries;
}
