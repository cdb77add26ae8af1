/**
 * HTTP for engine clients over Node's fetch: timeouts, retries with exponential backoff on
 * connection errors, and errors that say in one line what went wrong and where.
 */
import type { Diagnostic } from '../core/diagnostic.js';

export type EngineName = 'A1111' | 'ComfyUI' | 'stable-diffusion.cpp';

/** Every client failure: one clear message, no stack trace needed. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly kind: 'connection' | 'timeout' | 'http' | 'invalid-response' | 'validation' | 'execution' | 'interrupted',
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'EngineError';
  }

  /** Images the engine finished before the failure; the caller saves them so none is lost. */
  partial?: Buffer[];

  /** The engine's complaints mapped back to the prompt file (ComfyUI node_errors), when known. */
  diagnostics?: Diagnostic[];
}

export interface HttpOptions {
  baseUrl: string;
  engine: EngineName;
  /** Per-request timeout in ms (default 30 s; generation calls pass their own). */
  timeoutMs?: number;
  /** Attempts on connection errors (default 3). */
  attempts?: number;
  /** First backoff delay in ms, doubled each retry (default 250). */
  backoffMs?: number;
  /** `user:password` for HTTP Basic auth (A1111 --api-auth). */
  auth?: string;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  json?: unknown;
  body?: string | Uint8Array | FormData;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** `false`: never retry. Otherwise connection errors are retried: GET always, POST only when refused. */
  retry?: boolean;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'EPIPE']);

function connectionCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

export class HttpClient {
  readonly baseUrl: string;

  constructor(readonly options: HttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  url(path: string): string {
    return this.baseUrl + path;
  }

  /** Sends a request; returns the Response for 2xx, throws EngineError otherwise. */
  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? (options.json !== undefined || options.body !== undefined ? 'POST' : 'GET');
    const attempts = options.retry === false ? 1 : (this.options.attempts ?? 3);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const headers: Record<string, string> = {};
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (this.options.auth) headers.authorization = 'Basic ' + Buffer.from(this.options.auth).toString('base64');
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
    const fetchImpl = this.options.fetch ?? fetch;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await fetchImpl(this.url(path), { method, headers, body: body ?? null, signal });
      } catch (error) {
        if (options.signal?.aborted) throw new EngineError(`${method} ${path} on ${this.options.engine} was interrupted`, 'interrupted');
        if (timeout.aborted) {
          throw new EngineError(`${this.options.engine} at ${this.baseUrl} did not answer ${method} ${path} within ${timeoutMs / 1000} s`, 'timeout');
        }
        const code = connectionCode(error);
        if (code === undefined) {
          throw new EngineError(`cannot reach ${this.options.engine} at ${this.baseUrl}: ${error instanceof Error ? error.message : String(error)}`, 'connection');
        }
        // A POST that may have reached the server is not repeated (it could queue a job twice);
        // a refused connection means the server never saw it.
        const mayRepeat = method === 'GET' || code === 'ECONNREFUSED';
        if (!mayRepeat) {
          // The server took the request and then the connection died: it stopped or crashed mid-job.
          throw new EngineError(
            `${this.options.engine} at ${this.baseUrl} closed the connection before it answered ${method} ${path} (${code}); did it stop or crash? Finished images are kept; a re-run renders the rest`,
            'connection',
          );
        }
        if (attempt >= attempts) {
          const what = code === 'ECONNREFUSED' ? 'connection refused' : code;
          throw new EngineError(
            `cannot connect to ${this.options.engine} at ${this.baseUrl} (${what}) after ${attempt} attempt${attempt > 1 ? 's' : ''}; is it running with its API enabled?`,
            'connection',
          );
        }
        await sleep((this.options.backoffMs ?? 250) * 2 ** (attempt - 1), options.signal);
        continue;
      }
      if (response.ok) return response;
      const text = await response.text().catch(() => '');
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
      throw new EngineError(
        `${this.options.engine} answered HTTP ${response.status} to ${method} ${path}${describeErrorBody(parsed)}`,
        'http',
        response.status,
        parsed,
      );
    }
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(path, options);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new EngineError(
        `${this.options.engine} sent invalid JSON for ${path}: ${JSON.stringify(text.slice(0, 80))}${text.length > 80 ? '…' : ''}`,
        'invalid-response',
      );
    }
  }

  async bytes(path: string, options: RequestOptions = {}): Promise<Buffer> {
    const response = await this.request(path, options);
    return Buffer.from(await response.arrayBuffer());
  }
}

/** The useful part of an engine's error body (A1111 `{error, detail}`, ComfyUI `{error: {message}}`). */
function describeErrorBody(body: unknown): string {
  if (typeof body === 'string') return body.trim() === '' ? '' : `: ${body.trim().slice(0, 200)}`;
  if (typeof body !== 'object' || body === null) return '';
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'object' && error !== null && typeof (error as Record<string, unknown>).message === 'string') {
    const e = error as Record<string, string>;
    return `: ${e.message}${e.details ? ` (${e.details.split('\n')[0]})` : ''}`;
  }
  const detail = [record.detail, record.errors].find((value) => value !== undefined && value !== '');
  const parts = [typeof error === 'string' ? error : undefined, typeof detail === 'string' ? detail : detail !== undefined ? JSON.stringify(detail).slice(0, 200) : undefined];
  const text = parts.filter(Boolean).join(': ');
  return text ? `: ${text}` : '';
}
