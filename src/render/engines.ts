/**
 * The engines `sdprompt render` can drive, behind one interface: compile an IR for the engine,
 * send it, get PNG bytes back. Image inputs (init, mask, ControlNet) are read relative to the
 * prompt file and uploaded (ComfyUI) or inlined as base64 (A1111 family, sd-server).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IrDocument, IrSource } from '../compile/ir.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { Range } from '../grammar/ast.js';
import type { TargetResult } from '../compile/target.js';
import { A1111Client, type Progress } from '../engines/a1111-client.js';
import { inlineA1111Images, toA1111Request, type A1111Dialect, type A1111Request } from '../engines/a1111.js';
import { ComfyClient } from '../engines/comfyui-client.js';
import { nodeErrorDiagnostics, refusalDiagnostics, type NodeErrorLocator } from '../engines/comfyui-diagnostics.js';
import { validateComfyGraph, type ComfyNodeError, type ComfyValidationError, type ObjectInfo } from '../engines/comfyui-validate.js';
import { toComfyGraph, type ComfyPromptBody } from '../engines/comfyui.js';
import { EngineError, HttpClient } from '../engines/http.js';
import { a1111BodyOnSdServer, resolveSdcppLoras, toSdcppBody, type SdcppBody, type SdcppListedLora } from '../engines/sdcpp.js';

export type RenderEngineKind = A1111Dialect | 'comfyui' | 'sdcpp';
export const RENDER_ENGINE_KINDS: readonly RenderEngineKind[] = ['a1111', 'forge', 'sdnext', 'comfyui', 'sdcpp'];

export interface SendOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Folder image paths in the prompt file are relative to. */
  baseDir: string;
  /** `file:line:col` of a source range, for messages that point into the prompt file. */
  describeSource?: (source: IrSource) => string;
  /** Document offsets → a Range in the prompt file: engine errors become Diagnostics there. */
  rangeOf?: (source: IrSource) => Range;
  /** Problems the engine reported for a job that still ran (ComfyUI's 200 with node_errors). */
  onDiagnostics?: (diagnostics: Diagnostic[]) => void;
}

export interface RenderEngine {
  kind: RenderEngineKind;
  /** The payload as it would be sent (images not yet uploaded or inlined): for --dry-run and PNG chunks. */
  compile(doc: IrDocument): TargetResult;
  send(doc: IrDocument, options: SendOptions): Promise<Buffer[]>;
  /** Releases connections (ComfyUI's WebSocket). */
  close(): void;
}

export interface EngineConnection {
  url: string;
  auth?: string;
  timeoutMs?: number;
}

async function readImage(baseDir: string, file: string): Promise<Buffer> {
  const full = path.resolve(baseDir, file);
  try {
    return await readFile(full);
  } catch {
    throw new EngineError(`cannot read image "${file}" (looked at ${full})`, 'invalid-response');
  }
}

function a1111Engine(kind: A1111Dialect, connection: EngineConnection): RenderEngine {
  const client = new A1111Client({ baseUrl: connection.url, ...(connection.auth ? { auth: connection.auth } : {}) });
  return {
    kind,
    compile: (doc) => toA1111Request(doc, kind),
    close: () => {},
    async send(doc, options) {
      const request = toA1111Request(doc, kind).payload;
      const inlined: A1111Request = await inlineA1111Images(request, async (file) => (await readImage(options.baseDir, file)).toString('base64'));
      const result = await client.generate(inlined.route, inlined.body, options);
      const dropped = a1111BodyOnSdServer(doc, result.info, options.rangeOf);
      if (dropped.length > 0) options.onDiagnostics?.(dropped);
      return result.images;
    },
  };
}

function sdcppEngine(connection: EngineConnection): RenderEngine {
  const client = new A1111Client({ baseUrl: connection.url, engine: 'stable-diffusion.cpp' });
  // The server's last LoRA list, so that compile() (the PNG's sdprompt-compiled chunk) shows the paths sent.
  let listed: SdcppListedLora[] | undefined;
  return {
    kind: 'sdcpp',
    compile(doc) {
      const result = toSdcppBody(doc);
      if (listed && result.payload.lora.length > 0) {
        const payload = structuredClone(result.payload);
        resolveSdcppLoras(payload, doc, listed);
        return { ...result, payload };
      }
      return result;
    },
    close: () => {},
    async send(doc, options) {
      const body: SdcppBody = structuredClone(toSdcppBody(doc).payload);
      if (body.lora.length > 0) {
        // sd-server re-reads its LoRA folder only on GET /sdapi/v1/loras or /sdcpp/v1/capabilities;
        // until then a LoRA that is there is a 400 "invalid lora path" (examples/server/runtime.cpp
        // refresh_lora_cache). Listing first refreshes it and gives the exact paths it accepts.
        listed = await client.loras();
        const problems = resolveSdcppLoras(body, doc, listed, options.rangeOf);
        if (problems.length > 0) {
          const failure = new EngineError(`${problems.map((d) => d.message).join('; ')}`, 'validation');
          failure.diagnostics = problems;
          throw failure;
        }
      }
      if (body.init_images) body.init_images = await Promise.all(body.init_images.map(async (file) => (await readImage(options.baseDir, file)).toString('base64')));
      if (body.mask !== undefined) body.mask = (await readImage(options.baseDir, body.mask)).toString('base64');
      return (await client.generate(body.init_images ? 'img2img' : 'txt2img', body, options)).images;
    },
  };
}

function comfyEngine(connection: EngineConnection): RenderEngine {
  const client = new ComfyClient({ baseUrl: connection.url, ...(connection.timeoutMs ? { timeoutMs: connection.timeoutMs } : {}) });
  return {
    kind: 'comfyui',
    compile: (doc) => toComfyGraph(doc),
    close: () => client.close(),
    async send(doc, options) {
      // Upload every input image first; LoadImage then names the uploaded file.
      const uploaded = structuredClone(doc);
      const upload = async (file: string) => client.uploadImage(await readImage(options.baseDir, file), path.basename(file));
      if (uploaded.init) {
        uploaded.init.image = await upload(uploaded.init.image);
        if (uploaded.init.mask !== undefined) uploaded.init.mask = await upload(uploaded.init.mask);
      }
      for (const unit of uploaded.controlnet) if (unit.image !== undefined) unit.image = await upload(unit.image);
      const compiled = toComfyGraph(uploaded);
      const body: ComfyPromptBody = compiled.payload;
      // node_errors become Diagnostics at the prompt-file construct each node came from.
      const locator: NodeErrorLocator = {
        ...(compiled.nodeSources ? { nodeSources: compiled.nodeSources } : {}),
        ...(compiled.inputSources ? { inputSources: compiled.inputSources } : {}),
        fallback: doc.source,
        ...(options.rangeOf ? { rangeOf: options.rangeOf } : {}),
      };
      const refused = (message: string, answer: { error?: ComfyValidationError; node_errors?: Record<string, ComfyNodeError> }, status?: number) => {
        const diagnostics = refusalDiagnostics(answer, locator);
        const count = diagnostics.length === 1 ? ' (1 problem in the prompt file)' : diagnostics.length > 1 ? ` (${diagnostics.length} problems in the prompt file)` : '';
        const failure = new EngineError(message + count, 'validation', status, answer);
        if (diagnostics.length > 0) failure.diagnostics = diagnostics;
        return failure;
      };
      const objectInfo = await client.objectInfo();
      locator.choices = (classType, input) => {
        const spec = objectInfo[classType]?.input.required?.[input] ?? objectInfo[classType]?.input.optional?.[input];
        return Array.isArray(spec?.[0]) ? spec[0] : undefined;
      };
      matchFileNames(body.prompt, objectInfo);
      // /object_info names and ranges are checked before anything is queued.
      const check = validateComfyGraph(body.prompt, objectInfo);
      if (!check.ok || Object.keys(check.node_errors).length > 0) {
        throw refused(`ComfyUI would reject the prompt: ${check.error?.message ?? 'some outputs fail validation'}`, check);
      }
      // A ComfyUI graph renders one batch; A1111's batch count (n_iter) repeats it with the seed
      // advanced by the batch size each time, as A1111 numbers its seeds (processing.py all_seeds).
      const images: Buffer[] = [];
      const sampler = Object.values(body.prompt).filter((node) => node.class_type === 'KSampler');
      // Seed -1 (random) was already replaced by the compiler: ComfyUI's seed has min 0.
      const firstSeed = doc.parameters.seed >= 0 ? doc.parameters.seed : Number(sampler[0]?.inputs.seed ?? 0);
      for (let batch = 0; batch < Math.max(1, doc.parameters.batchCount); batch++) {
        for (const node of sampler) node.inputs.seed = firstSeed + batch * doc.parameters.batchSize;
        let result;
        try {
          result = await client.run(body, {
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          });
        } catch (error) {
          // The server's own 400 (its model lists changed since /object_info was read, a custom
          // validator): the same Diagnostics as our check.
          const answer = (error as EngineError).body as { error?: ComfyValidationError; node_errors?: Record<string, ComfyNodeError> } | undefined;
          let failure = error;
          if (error instanceof EngineError && error.kind === 'validation' && answer && typeof answer === 'object') {
            failure = refused(`ComfyUI rejected the prompt: ${answer.error?.message ?? 'validation failed'}`, answer, error.status);
          }
          // Earlier batches of this job are finished images: hand them over with the error.
          if (failure instanceof EngineError && images.length > 0) failure.partial = images;
          throw failure;
        }
        // A 200 with node_errors: ComfyUI dropped the outputs that failed and ran the rest.
        if (Object.keys(result.nodeErrors).length > 0) options.onDiagnostics?.(nodeErrorDiagnostics(result.nodeErrors, locator, 'warning'));
        if (result.images.length === 0) throw new EngineError('ComfyUI finished the job but returned no output image', 'execution');
        images.push(...result.images.map((image) => image.data));
      }
      return images;
    },
  };
}

const FILE_INPUTS: Record<string, string> = {
  CheckpointLoaderSimple: 'ckpt_name',
  LoraLoader: 'lora_name',
  LoraLoaderModelOnly: 'lora_name',
  VAELoader: 'vae_name',
  ControlNetLoader: 'control_net_name',
};

const stem = (name: string) => name.replace(/\\/g, '/').split('/').pop()!.replace(/\.[^.]+$/, '').toLowerCase();

/**
 * Replaces a model file name that is not in the engine's list by the one entry with the same stem
 * (`sd15` or `sd15.safetensors` → `SD1/sd15.safetensors`), as the user means; ambiguous names stay.
 */
export function matchFileNames(graph: ComfyPromptBody['prompt'], objectInfo: ObjectInfo): void {
  for (const node of Object.values(graph)) {
    const input = FILE_INPUTS[node.class_type];
    const value = input ? node.inputs[input] : undefined;
    const options = input ? objectInfo[node.class_type]?.input.required?.[input]?.[0] : undefined;
    if (typeof value !== 'string' || !Array.isArray(options) || options.includes(value)) continue;
    const matches = options.filter((option): option is string => typeof option === 'string' && stem(option) === stem(value));
    if (matches.length === 1) node.inputs[input!] = matches[0]!;
  }
}

export function createRenderEngine(kind: RenderEngineKind, connection: EngineConnection): RenderEngine {
  if (kind === 'comfyui') return comfyEngine(connection);
  if (kind === 'sdcpp') return sdcppEngine(connection);
  return a1111Engine(kind, connection);
}

/** Finds out what answers at `url`: ComfyUI (/system_stats), sd-server (/sdcpp/v1/capabilities) or A1111 (/sdapi/v1/samplers). */
export async function detectEngine(connection: EngineConnection): Promise<RenderEngineKind> {
  const http = new HttpClient({ baseUrl: connection.url, engine: 'A1111', timeoutMs: 5000, attempts: 2, ...(connection.auth ? { auth: connection.auth } : {}) });
  const probes: Array<[string, RenderEngineKind]> = [
    ['/system_stats', 'comfyui'],
    ['/sdcpp/v1/capabilities', 'sdcpp'],
    ['/sdapi/v1/samplers', 'a1111'],
  ];
  let lastError: unknown;
  for (const [route, kind] of probes) {
    try {
      await http.request(route);
      return kind;
    } catch (error) {
      lastError = error;
      if (error instanceof EngineError && error.kind === 'connection') throw new EngineError(error.message.replace('A1111', 'an engine'), 'connection');
    }
  }
  throw new EngineError(
    `cannot tell which engine runs at ${connection.url} (${lastError instanceof Error ? lastError.message : String(lastError)}); pass --engine-type`,
    'invalid-response',
  );
}
