/**
 * The server as the editor runs it: `sdprompt lsp` through the CLI's main(), settings from
 * workspace/configuration (and their changes), sdprompt.config.json found upward and re-read when a
 * watched file changes, and the gallery's `sdprompt/loras` request.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver';
import { main } from '../../src/cli/main.js';
import type { GalleryLora } from '../../src/lsp/server.js';
import { librarySettings, loraFolder, realToolchain } from './fixtures.js';
import { startServer, waitFor, type TestClient } from './harness.js';

let client: TestClient | undefined;
afterEach(() => client?.dispose());

describe('sdprompt lsp', () => {
  it('serves LSP on its stdin/stdout and returns 0 when the input closes', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const running = main(['node', 'sdprompt', 'lsp', '--stdio', '--clientProcessId=1'], { stdin, stdout, stderr, cwd: process.cwd(), env: process.env });
    const connection = createMessageConnection(new StreamMessageReader(stdout), new StreamMessageWriter(stdin));
    const published: PublishDiagnosticsParams[] = [];
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => published.push(params));
    connection.onRequest('workspace/configuration', () => [null]);
    connection.listen();
    const initialized = (await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as InitializeResult;
    expect(initialized.serverInfo?.name).toBe('sdprompt');
    expect(initialized.capabilities.completionProvider?.triggerCharacters).toContain('<');
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///w/a.sdprompt', languageId: 'sdprompt', version: 1, text: '@bogus\nx\n' } });
    await waitFor(() => published.length > 0);
    expect(published[0]!.diagnostics.map((d) => d.code)).toContain('syntax/unknown-directive');
    await connection.sendRequest('shutdown');
    connection.dispose();
    stdin.end();
    expect(await running).toBe(0);
  });
});

describe('configuration', () => {
  it('reads rule settings from workspace/configuration and re-reads them on change', async () => {
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: { ...librarySettings, rules: { 'lora/unknown': 'off' } } }));
    const uri = 'file:///w/rules.sdprompt';
    await client.open(uri, '@prompt a\n<lora:nope:1>\n');
    expect((await client.nextDiagnostics(uri, 1)).diagnostics.map((d) => d.code)).not.toContain('lora/unknown');
    client.settings = { ...librarySettings, rules: { 'lora/unknown': 'error' } };
    const again = client.nextDiagnostics(uri, 1);
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const unknown = (await again).diagnostics.find((d) => d.code === 'lora/unknown');
    expect(unknown?.severity).toBe(1);
  });

  it('finds sdprompt.config.json upward from the file and re-reads it when the watched file changes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sdprompt-ws-'));
    mkdirSync(join(root, 'prompts'));
    const config = join(root, 'sdprompt.config.json');
    writeFileSync(config, JSON.stringify({ root: true, rules: { 'lora/unknown': 'off' }, library: { loraDirs: [loraFolder] } }));
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: {}, rootUri: pathToFileURL(root).href }));
    // The library came from the config file (no editor setting names a folder).
    expect(client.server.library.loras.map((lora) => lora.name)).toContain('JL_sectionplan');
    expect(client.registrations.length).toBeGreaterThan(0);
    const uri = pathToFileURL(join(root, 'prompts', 'a.sdprompt')).href;
    await client.open(uri, '@prompt a\n<lora:nope:1>\n');
    expect((await client.nextDiagnostics(uri, 1)).diagnostics.map((d) => d.code)).not.toContain('lora/unknown');
    writeFileSync(config, JSON.stringify({ root: true, rules: { 'lora/unknown': 'error' }, library: { loraDirs: [loraFolder] } }));
    const again = client.nextDiagnostics(uri, 1);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(config).href, type: 2 }] });
    expect((await again).diagnostics.find((d) => d.code === 'lora/unknown')?.severity).toBe(1);
  });

  it('reports a broken config file on the document instead of failing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sdprompt-ws-'));
    writeFileSync(join(root, 'sdprompt.config.json'), '{ "rules": ');
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: {}, rootUri: pathToFileURL(root).href }));
    const uri = pathToFileURL(join(root, 'a.sdprompt')).href;
    await client.open(uri, '@prompt a\nhouse\n');
    const problem = (await client.nextDiagnostics(uri, 1)).diagnostics.find((d) => d.code === 'config/invalid');
    expect(problem?.message).toMatch(/sdprompt\.config\.json.*invalid JSON/);
  });
});

describe('gallery request', () => {
  it('lists every LoRA with what choosing its card inserts', async () => {
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: librarySettings }));
    const loras = await client.request<GalleryLora[]>('sdprompt/loras', {});
    const plan = loras.find((lora) => lora.name === 'JL_sectionplan')!;
    expect(plan.insertText).toBe('<lora:JL_sectionplan:0.6>, section plan, JL_section plan');
    expect(plan.previewImage).toBe(join(loraFolder, 'JL_sectionplan.png'));
    expect(plan.baseModel).toBe('sd1');
  });
});

describe('watched LoRA folders', () => {
  it('rescans the library when a LoRA file appears, and completion offers it', async () => {
    const { writeLoraFixture } = await import('../../src/library/fixtures.js');
    const folder = mkdtempSync(join(tmpdir(), 'sdprompt-watch-'));
    await writeLoraFixture(folder, { name: 'first_lora', family: 'sd1', seed: 1 });
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: { loraFolders: [folder] } }));
    expect(client.server.library.loras.map((lora) => lora.name)).toEqual(['first_lora']);
    const file = await writeLoraFixture(folder, { name: 'second_lora', family: 'sdxl', seed: 2, userMetadata: { 'activation text': 'fresh words', 'preferred weight': 0.8 } });
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 1 }] });
    await waitFor(() => client!.server.library.loras.some((lora) => lora.name === 'second_lora'));
    const uri = pathToFileURL(join(folder, 'a.sdprompt')).href;
    await client.open(uri, '@prompt a\n<lora:sec');
    const list = await client.request<{ items: Array<{ label: string; detail?: string }> }>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 10 } });
    expect(list.items.find((item) => item.label === 'second_lora')?.detail).toBe('base sdxl · weight 0.8 · triggers: fresh words');
  });
});
