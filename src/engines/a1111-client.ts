/**
 * Client for A1111 / Forge / SD.Next and stable-diffusion.cpp's A1111-style routes
 * (engine-apis.md §6, §8; a1111.md §6). Generation is synchronous on the server (queue_lock), so
 * progress comes from polling /sdapi/v1/progress while the POST is open, and an abort posts
 * /sdapi/v1/interrupt so the engine stops too. sd-server has neither route: no progress, and an abort
 * only drops the request.
 */
import { EngineError, HttpClient, type EngineName } from './http.js';

export interface A1111ClientOptions {
  baseUrl: string;
  engine?: EngineName;
  /** `user:password` (A1111 --api-auth). */
  auth?: string;
  /** Timeout of the whole generation request (default 10 min). */
  generationTimeoutMs?: number;
  /** Timeout of every other request (default 30 s). */
  timeoutMs?: number;
  /** Progress poll interval (default 500 ms). */
  pollMs?: number;
  attempts?: number;
  backoffMs?: number;
}

export interface A1111Result {
  images: Buffer[];
  /** The request as the server echoes it. */
  parameters: unknown;
  /** The parsed `info` JSON (infotexts, seeds…). */
  info: Record<string, unknown>;
}

export interface Progress {
  step: number;
  steps: number;
  /** 0..1 */
  fraction: number;
  etaSeconds?: number;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

interface ProgressResponse {
  progress?: number;
  eta_relative?: number;
  state?: { sampling_step?: number; sampling_steps?: number };
}

export class A1111Client {
  private readonly http: HttpClient;

  constructor(private readonly options: A1111ClientOptions) {
    this.http = new HttpClient({
      baseUrl: options.baseUrl,
      engine: options.engine ?? 'A1111',
      ...(options.auth !== undefined ? { auth: options.auth } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    });
  }

  samplers(): Promise<Array<{ name: string; aliases: string[] }>> {
    return this.http.json('/sdapi/v1/samplers');
  }

  models(): Promise<Array<{ title: string; model_name: string; filename: string }>> {
    return this.http.json('/sdapi/v1/sd-models');
  }

  loras(): Promise<Array<{ name: string; alias?: string; path: string }>> {
    return this.http.json('/sdapi/v1/loras');
  }

  async progress(): Promise<Progress> {
    const body = await this.http.json<ProgressResponse>('/sdapi/v1/progress?skip_current_image=true', { retry: false });
    const progress: Progress = {
      step: body.state?.sampling_step ?? 0,
      steps: body.state?.sampling_steps ?? 0,
      fraction: body.progress ?? 0,
    };
    if (typeof body.eta_relative === 'number') progress.etaSeconds = body.eta_relative;
    return progress;
  }

  async interrupt(): Promise<void> {
    await this.http.request('/sdapi/v1/interrupt', { method: 'POST', timeoutMs: 5000 });
  }

  /** POSTs a txt2img/img2img body and returns the decoded images. */
  async generate(route: 'txt2img' | 'img2img', body: unknown, options: GenerateOptions = {}): Promise<A1111Result> {
    const controller = new AbortController();
    let interrupted = false;
    // sd-server (stable-diffusion.cpp 97d2990) has neither /sdapi/v1/progress nor /sdapi/v1/interrupt,
    // and cannot stop a job that is generating (capabilities: cancel_generating false).
    const sdServer = this.options.engine === 'stable-diffusion.cpp';
    const onAbort = () => {
      interrupted = true;
      // Tell the engine to stop; it then answers the open POST with what it has.
      if (sdServer) controller.abort();
      else this.interrupt().catch(() => controller.abort());
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let polling = true;
    let stopWaiting = () => {};
    const poll = async () => {
      while (polling && options.onProgress && !sdServer) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs ?? 500);
          stopWaiting = () => (clearTimeout(timer), resolve());
        });
        if (!polling) break;
        try {
          options.onProgress(await this.progress());
        } catch {
          // progress is best effort; the POST decides success
        }
      }
    };
    const poller = poll();
    try {
      const response = await this.http
        .json<{ images?: unknown; parameters?: unknown; info?: unknown }>(`/sdapi/v1/${route}`, {
          json: body,
          timeoutMs: this.options.generationTimeoutMs ?? 600_000,
          signal: controller.signal,
          // A refused connection means the server never saw the job: safe to retry.
          retry: true,
        })
        .catch((error: unknown) => {
          if (sdServer && interrupted && error instanceof EngineError && error.kind === 'interrupted') {
            throw new EngineError(
              'generation interrupted; sd-server cannot stop a job that is generating, so it finishes this one (its image is discarded) before it takes the next',
              'interrupted',
            );
          }
          throw error;
        });
      if (!Array.isArray(response.images) || !response.images.every((image) => typeof image === 'string')) {
        throw new EngineError(`${this.options.engine ?? 'A1111'} response to ${route} has no "images" list`, 'invalid-response');
      }
      let info: Record<string, unknown> = {};
      if (typeof response.info === 'string') {
        try {
          info = JSON.parse(response.info) as Record<string, unknown>;
        } catch {
          info = {};
        }
      }
      const images = response.images.map((image) => Buffer.from(image.replace(/^data:image\/\w+;base64,/, ''), 'base64'));
      if (interrupted) {
        const error = new EngineError('generation interrupted; the engine stopped the job', 'interrupted');
        error.partial = images;
        throw error;
      }
      return { images, parameters: response.parameters, info };
    } finally {
      polling = false;
      stopWaiting();
      options.signal?.removeEventListener('abort', onAbort);
      await poller;
    }
  }
}
