/**
 * ComfyUI client (engine-apis.md §1-2, §7): POST /prompt with our own client_id and prompt_id,
 * /history/{id} as the source of truth, the WebSocket only to learn sooner and show progress.
 * If the socket drops mid-job the client keeps polling history, so no finished image is lost.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ComfyPromptBody } from './comfyui.js';
import type { ComfyNodeError, ObjectInfo } from './comfyui-validate.js';
import { EngineError, HttpClient } from './http.js';
import type { Progress } from './a1111-client.js';

export interface ComfyClientOptions {
  baseUrl: string;
  /** Our client id; WebSocket events of a job go only to the id that submitted it. */
  clientId?: string;
  timeoutMs?: number;
  /** Whole-job timeout (default 30 min). */
  jobTimeoutMs?: number;
  /** History poll interval (default 1000 ms; 250 ms once the socket is gone). */
  pollMs?: number;
  attempts?: number;
  backoffMs?: number;
}

export interface ComfyImageRef {
  filename: string;
  subfolder: string;
  type: string;
}

export interface ComfyRunResult {
  promptId: string;
  images: Array<{ ref: ComfyImageRef; node: string; data: Buffer }>;
  /** Outputs ComfyUI dropped at validation while still running the rest (200 with node_errors). */
  nodeErrors: Record<string, ComfyNodeError>;
  /** True when the WebSocket closed before the job finished (history was polled instead). */
  socketDropped: boolean;
}

export interface ComfyRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress & { node?: string }) => void;
  promptId?: string;
}

interface HistoryEntry {
  outputs?: Record<string, { images?: ComfyImageRef[] }>;
  status?: { status_str?: string; completed?: boolean; messages?: Array<[string, Record<string, unknown>]> };
}

/** Formats a node_errors map as lines "node 5 (LoraLoader): Value not in list: …". */
export function describeNodeErrors(nodeErrors: Record<string, ComfyNodeError>): string[] {
  return Object.entries(nodeErrors).flatMap(([id, entry]) =>
    entry.errors.map((error) => `node ${id} (${entry.class_type}): ${error.message}${error.details ? `: ${error.details}` : ''}`),
  );
}

export class ComfyClient {
  readonly clientId: string;
  private readonly http: HttpClient;
  private objectInfoCache?: Promise<ObjectInfo>;

  constructor(private readonly options: ComfyClientOptions) {
    this.clientId = options.clientId ?? randomUUID();
    this.http = new HttpClient({
      baseUrl: options.baseUrl,
      engine: 'ComfyUI',
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    });
  }

  /** `/object_info`, fetched once per client. */
  objectInfo(): Promise<ObjectInfo> {
    this.objectInfoCache ??= this.http.json<ObjectInfo>('/object_info');
    return this.objectInfoCache;
  }

  async uploadImage(data: Buffer, filename: string): Promise<string> {
    const form = new FormData();
    form.append('image', new Blob([data], { type: 'image/png' }), filename);
    form.append('type', 'input');
    const result = await this.http.json<{ name: string; subfolder?: string }>('/upload/image', { method: 'POST', body: form });
    return result.subfolder ? `${result.subfolder}/${result.name}` : result.name;
  }

  async interrupt(promptId?: string): Promise<void> {
    await this.http.request('/interrupt', { method: 'POST', json: promptId ? { prompt_id: promptId } : {}, timeoutMs: 5000 });
  }

  async history(promptId: string): Promise<HistoryEntry | undefined> {
    const all = await this.http.json<Record<string, HistoryEntry>>(`/history/${encodeURIComponent(promptId)}`);
    return all[promptId];
  }

  async view(ref: ComfyImageRef): Promise<Buffer> {
    const query = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
    return this.http.bytes(`/view?${query}`);
  }

  /**
   * One WebSocket per client, shared by its jobs (events carry prompt_id) and reopened with the
   * same clientId when it drops, as ComfyUI expects (engine-apis.md §2, §7.3).
   */
  private socket?: WebSocket;
  private opening?: Promise<WebSocket | undefined>;
  private readonly messageListeners = new Set<(message: { type: string; data: Record<string, unknown> }) => void>();
  private readonly closeListeners = new Set<() => void>();

  private ensureSocket(): Promise<WebSocket | undefined> {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    this.opening ??= new Promise<WebSocket | undefined>((resolve) => {
      const url = this.http.baseUrl.replace(/^http/, 'ws') + `/ws?clientId=${encodeURIComponent(this.clientId)}`;
      const socket = new WebSocket(url);
      const timer = setTimeout(() => (socket.terminate(), resolve(undefined)), 5000);
      socket.on('open', () => {
        clearTimeout(timer);
        this.socket = socket;
        resolve(socket);
      });
      socket.on('error', () => (clearTimeout(timer), resolve(undefined)));
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
        for (const listener of [...this.closeListeners]) listener();
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) return; // previews
        let message: { type: string; data: Record<string, unknown> };
        try {
          message = JSON.parse(data.toString());
        } catch {
          return; // a malformed event only loses speed; history still decides
        }
        for (const listener of [...this.messageListeners]) listener(message);
      });
    }).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Closes the shared WebSocket (the process can exit once every client is closed). */
  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  /** Queues a graph and waits for its images. */
  async run(body: ComfyPromptBody, options: ComfyRunOptions = {}): Promise<ComfyRunResult> {
    const promptId = options.promptId ?? randomUUID();
    // A wake-up that arrives while no wait is pending is remembered, so no event is lost.
    let woken = false;
    let wake: () => void = () => {
      woken = true;
    };
    let socketDropped = false;
    let socketFailure: EngineError | undefined;
    const onMessage = (message: { type: string; data: Record<string, unknown> }) => {
        if (message.data?.prompt_id !== promptId) return;
        if (message.type === 'progress' && options.onProgress) {
          const value = Number(message.data.value);
          const max = Number(message.data.max);
          options.onProgress({ step: value, steps: max, fraction: max > 0 ? value / max : 0, node: String(message.data.node) });
        }
        if (message.type === 'execution_error') {
          socketFailure = new EngineError(
            `ComfyUI failed in node ${String(message.data.node_id)} (${String(message.data.node_type)}): ${String(message.data.exception_message).trim()}`,
            'execution',
          );
        }
        if (['execution_success', 'execution_error', 'execution_interrupted'].includes(message.type) || (message.type === 'executing' && message.data.node === null)) wake();
    };
    const onClose = () => {
      socketDropped = true;
      wake();
    };
    this.messageListeners.add(onMessage);
    this.closeListeners.add(onClose);
    if (!(await this.ensureSocket())) socketDropped = true;
    try {
      let queued: { prompt_id?: string; node_errors?: Record<string, ComfyNodeError> };
      try {
        queued = await this.http.json('/prompt', { method: 'POST', json: { ...body, client_id: this.clientId, prompt_id: promptId }, signal: options.signal });
      } catch (error) {
        if (error instanceof EngineError && error.status === 400) {
          const nodeErrors = (error.body as { node_errors?: Record<string, ComfyNodeError> })?.node_errors ?? {};
          const lines = describeNodeErrors(nodeErrors);
          throw new EngineError(`ComfyUI rejected the prompt: ${error.message.replace(/^.*?: /, '')}${lines.length ? '\n  ' + lines.join('\n  ') : ''}`, 'validation', 400, error.body);
        }
        throw error;
      }
      const deadline = Date.now() + (this.options.jobTimeoutMs ?? 1_800_000);
      // With the socket up, the first history read waits for its wake-up (or one poll interval):
      // a job is never finished the moment it is queued.
      let skipRead = !socketDropped;
      for (;;) {
        if (options.signal?.aborted) {
          // Stop the job on the engine too, not just our wait for it.
          await this.interrupt(promptId).catch(() => {});
          throw new EngineError('job interrupted; ComfyUI was asked to stop it', 'interrupted');
        }
        const entry = skipRead ? undefined : await this.history(promptId);
        skipRead = false;
        if (entry?.status?.completed || entry?.status?.status_str === 'error' || (entry && entry.outputs && Object.keys(entry.outputs).length > 0 && entry.status?.status_str === 'success')) {
          if (entry.status?.status_str === 'error') throw socketFailure ?? historyFailure(entry);
          const images: ComfyRunResult['images'] = [];
          for (const [node, output] of Object.entries(entry.outputs ?? {})) {
            for (const ref of output.images ?? []) if (ref.type === 'output') images.push({ ref, node, data: await this.view(ref) });
          }
          return { promptId, images, nodeErrors: queued.node_errors ?? {}, socketDropped };
        }
        if (Date.now() > deadline) throw new EngineError(`ComfyUI job ${promptId} did not finish within ${(this.options.jobTimeoutMs ?? 1_800_000) / 1000} s`, 'timeout');
        if (woken) {
          woken = false;
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, socketDropped ? Math.min(250, this.options.pollMs ?? 1000) : (this.options.pollMs ?? 1000));
          wake = () => {
            clearTimeout(timer);
            wake = () => {
              woken = true;
            };
            resolve();
          };
          options.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    } finally {
      this.messageListeners.delete(onMessage);
      this.closeListeners.delete(onClose);
    }
  }
}

function historyFailure(entry: HistoryEntry): EngineError {
  if (entry.status?.messages?.some(([type]) => type === 'execution_interrupted')) return new EngineError('the job was interrupted on ComfyUI', 'interrupted');
  const error = entry.status?.messages?.find(([type]) => type === 'execution_error')?.[1];
  if (error) {
    return new EngineError(`ComfyUI failed in node ${String(error.node_id)} (${String(error.node_type)}): ${String(error.exception_message).trim()}`, 'execution');
  }
  return new EngineError('ComfyUI reports the job failed', 'execution');
}
