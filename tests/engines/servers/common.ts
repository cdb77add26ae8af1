/** Shared pieces of the loopback engine servers: listening on 127.0.0.1 only, bodies, test images. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';

export interface Faults {
  /** Answer the generation request with HTTP 500. */
  status500?: boolean;
  /** Never answer the generation request. */
  hang?: boolean;
  /** Close the connection of the generation request without an answer (the engine stopped mid-job). */
  dropConnection?: boolean;
  /** Answer the generation request with a non-JSON body. */
  invalidJson?: boolean;
  /** Close the WebSocket after the first progress event (ComfyUI). */
  dropSocketMidJob?: boolean;
  /** Fail inside the sampler node with an exception (ComfyUI execution_error). */
  executionError?: boolean;
}

export function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** A small deterministic PNG whose colour depends on `seed` and `salt` (e.g. a LoRA weight). */
export function testImage(seed: number, salt = 0, size = 8): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) {
    png.data[i * 4] = (seed * 37 + i) & 255;
    png.data[i * 4 + 1] = (seed * 11 + Math.round(salt * 100)) & 255;
    png.data[i * 4 + 2] = (i * 5) & 255;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
