import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLibrary } from '../../src/library/index.js';
import { algorithmFromMetadata } from '../../src/library/engines.js';

type Handler = (url: URL) => { status?: number; body?: unknown; hang?: boolean };
const servers: http.Server[] = [];

async function serve(handler: Handler): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(`${url.pathname}${url.search}`);
    const answer = handler(url);
    if (answer.hang) return; // never answers
    response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
    response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const JL_METADATA = {
  ss_output_name: 'JL_sectionplan',
  ss_base_model_version: 'sd_v1',
  ss_network_dim: '4',
  ss_network_alpha: '2',
  ss_network_module: 'networks.lora',
  // A1111 parses JSON-looking metadata values before sending them.
  ss_tag_frequency: { '10_JL_section plan': { 'JL_section plan': 24, 'section plan': 24, architecture: 3 } },
};

describe('A1111 engine', () => {
  it('reads /sdapi/v1/loras, /sd-models and /embeddings', async () => {
    const { url, requests } = await serve((u) => {
      switch (u.pathname) {
        case '/sdapi/v1/loras':
          return { body: [
            { name: 'JL_sectionplan', alias: 'JL_sectionplan', path: 'C:\\webui\\models\\Lora\\arch\\JL_sectionplan.safetensors', metadata: JL_METADATA },
            { name: 'xl_thing', alias: 'XL Thing', path: '/srv/webui/models/Lora/xl_thing.safetensors', metadata: { ss_base_model_version: 'sdxl_base_v1-0' } },
            { name: 'old', alias: 'old', path: '/srv/webui/models/Lora/old.pt', metadata: {} },
          ] };
        case '/sdapi/v1/sd-models':
          return { body: [{ title: 'v1-5-pruned-emaonly.safetensors [6ce0161689]', model_name: 'v1-5-pruned-emaonly', hash: '6ce0161689', sha256: 'x', filename: '/srv/webui/models/Stable-diffusion/v1-5-pruned-emaonly.safetensors', config: null }] };
        case '/sdapi/v1/embeddings':
          return { body: { loaded: { bad_hands: { step: null, sd_checkpoint: null, sd_checkpoint_name: null, shape: 768, vectors: 6 } }, skipped: { xl_emb: { shape: 2048, vectors: 2 } } } };
        default:
          return { status: 404, body: { detail: 'Not Found' } };
      }
    });
    const library = createLibrary({ engines: [url], cacheDir: false });
    const result = await library.scan();
    expect(result.diagnostics).toEqual([]);
    expect(result.loras.map((entry) => [entry.name, entry.alias, entry.relativePath, entry.baseModel, entry.fileFormat])).toEqual([
      ['JL_sectionplan', 'JL_sectionplan', 'arch/JL_sectionplan.safetensors', 'sd1', 'safetensors'],
      ['xl_thing', 'XL Thing', 'xl_thing.safetensors', 'sdxl', 'safetensors'],
      ['old', 'old', 'old.pt', 'unknown', 'pickle'],
    ]);
    const jl = library.resolveLora('JL_sectionplan')!;
    expect(jl.source).toEqual({ kind: 'a1111', url });
    expect([jl.rank, jl.alpha, jl.algorithm]).toEqual([4, 2, 'lora']);
    expect(jl.triggerWords.map((word) => word.text)).toEqual(['JL_section plan', 'section plan']);
    expect(library.resolveLora('XL Thing')?.name).toBe('xl_thing');
    expect(await library.hashes(jl)).toBeUndefined();
    expect(library.checkpoints.map((entry) => [entry.name, entry.title, entry.engineHash])).toEqual([
      ['v1-5-pruned-emaonly', 'v1-5-pruned-emaonly.safetensors [6ce0161689]', '6ce0161689'],
    ]);
    expect(library.resolveCheckpoint('v1-5-pruned-emaonly.safetensors [6ce0161689]')?.name).toBe('v1-5-pruned-emaonly');
    expect(library.embeddings.map((entry) => [entry.name, entry.baseModel, entry.vectors])).toEqual([['bad_hands', 'sd1', 6], ['xl_emb', 'unknown', 2]]);
    expect(requests).toEqual(['/sdapi/v1/loras', '/sdapi/v1/sd-models', '/sdapi/v1/embeddings']);
  });

  it('an A1111 without --api (404) and an unreachable port become diagnostics', async () => {
    const { url } = await serve(() => ({ status: 404, body: { detail: 'Not Found' } }));
    const closed = await serve(() => ({ body: [] }));
    const closedUrl = closed.url;
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const library = createLibrary({ engines: [{ url, kind: 'a1111' }, { url: closedUrl, kind: 'a1111' }], cacheDir: false });
    const result = await library.scan();
    expect(result.loras).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['library/engine-unreachable', url], ['library/engine-unreachable', closedUrl],
    ]);
    expect(result.diagnostics[0]!.message).toMatch(/HTTP 404 \(is A1111\/Forge running with --api\?\)/);
    expect(result.diagnostics[1]!.message).toMatch(/ECONNREFUSED/);
  });

  it('a hanging engine is abandoned after the timeout', async () => {
    const { url } = await serve(() => ({ hang: true }));
    const library = createLibrary({ engines: [{ url, kind: 'a1111' }], engineTimeoutMs: 200, cacheDir: false });
    const started = Date.now();
    const result = await library.scan();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.diagnostics[0]?.message).toMatch(/no answer within 200 ms/);
  });
});

describe('A1111 with --api-auth', () => {
  it('sends user:pass from the URL as Basic auth, and explains a 401', async () => {
    const seen: string[] = [];
    const server = http.createServer((request, response) => {
      seen.push(request.headers.authorization ?? '');
      const ok = request.headers.authorization === `Basic ${Buffer.from('me:s3cret').toString('base64')}`;
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      response.end(ok ? '[]' : '{"detail": "Incorrect username or password"}');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const good = await createLibrary({ engines: [{ url: `http://me:s3cret@127.0.0.1:${port}`, kind: 'a1111' }], cacheDir: false }).scan();
    expect(good.diagnostics.filter((d) => d.code === 'library/engine-unreachable')).toEqual([]);
    const bad = await createLibrary({ engines: [{ url: `http://127.0.0.1:${port}`, kind: 'a1111' }], cacheDir: false }).scan();
    expect(bad.diagnostics[0]?.message).toMatch(/HTTP 401 \(the engine wants a user and password/);
    expect(seen[0]).toBe(`Basic ${Buffer.from('me:s3cret').toString('base64')}`);
    const wrong = await createLibrary({ engines: [{ url: `http://me:wrong@127.0.0.1:${port}`, kind: 'a1111' }], cacheDir: false }).scan();
    expect(wrong.diagnostics[0]?.message).toMatch(new RegExp(`^http://me:\\*\\*\\*@127\\.0\\.0\\.1:${port}: `));
    expect(JSON.stringify(wrong.diagnostics)).not.toContain('wrong');
  });
});

describe('ComfyUI engine', () => {
  it('probes A1111 first, then reads /models/loras and /view_metadata/loras per file', async () => {
    const { url, requests } = await serve((u) => {
      if (u.pathname === '/models/loras') return { body: ['JL_sectionplan.safetensors', 'styles\\ink.safetensors', 'old.pt'] };
      if (u.pathname === '/view_metadata/loras') {
        const file = u.searchParams.get('filename');
        if (file === 'JL_sectionplan.safetensors') return { body: { ...JL_METADATA, ss_tag_frequency: JSON.stringify(JL_METADATA.ss_tag_frequency) } };
        if (file === 'styles\\ink.safetensors') return { body: { 'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora', 'modelspec.trigger_phrase': 'ink wash' } };
        return { status: 404 };
      }
      if (u.pathname === '/models/checkpoints') return { body: ['sd_xl_base_1.0.safetensors'] };
      if (u.pathname === '/embeddings') return { body: ['easynegative', 'sub/neg2'] };
      return { status: 404, body: 'Not Found' };
    });
    const library = createLibrary({ engines: [url], cacheDir: false });
    const result = await library.scan();
    expect(result.diagnostics).toEqual([]);
    expect(result.loras.map((entry) => [entry.relativePath, entry.baseModel, entry.source.kind])).toEqual([
      ['JL_sectionplan.safetensors', 'sd1', 'comfyui'], ['styles/ink.safetensors', 'sdxl', 'comfyui'], ['old.pt', 'unknown', 'comfyui'],
    ]);
    expect(library.resolveComfyLora('styles\\ink.safetensors')?.triggerWords.map((w) => [w.text, w.sources])).toEqual([['ink wash', ['modelspec']]]);
    expect(library.resolveEmbedding('embedding:easynegative'.slice('embedding:'.length))?.name).toBe('easynegative');
    expect(library.resolveEmbedding('sub/neg2')?.name).toBe('neg2');
    expect(library.checkpoints.map((entry) => entry.relativePath)).toEqual(['sd_xl_base_1.0.safetensors']);
    expect(requests[0]).toBe('/sdapi/v1/loras');
    expect(requests).toContain('/view_metadata/loras?filename=styles%5Cink.safetensors');
  });

  it('neither API answering is one diagnostic', async () => {
    const { url } = await serve(() => ({ status: 404 }));
    const result = await createLibrary({ engines: [url], cacheDir: false }).scan();
    expect(result.diagnostics.map((d) => d.message)).toEqual([`${url}: GET /models/loras: HTTP 404; neither an A1111 nor a ComfyUI API answered`]);
  });
});

describe('algorithm from training metadata (engines send no keys)', () => {
  it.each([
    [{ ss_network_module: 'networks.lora' }, 'lora'],
    [{ ss_network_module: 'networks.lora', ss_network_args: '{"conv_dim": "8", "conv_alpha": "1"}' }, 'locon'],
    [{ ss_network_module: 'lycoris.kohya', ss_network_args: '{"algo": "loha"}' }, 'loha'],
    [{ ss_network_module: 'lycoris.kohya', ss_network_args: '{"algo": "lokr", "factor": "8"}' }, 'lokr'],
    [{ ss_network_module: 'lycoris.kohya', ss_network_args: '{"algo": "lora", "dora_wd": "True"}' }, 'dora'],
    [{ ss_network_module: 'lycoris.kohya', ss_network_args: 'not json' }, 'lora'],
    [{ ss_network_module: 'something.else' }, 'unknown'],
    [{}, 'unknown'],
  ])('%j → %s', (metadata, algorithm) => {
    expect(algorithmFromMetadata(metadata)).toBe(algorithm);
  });
});
