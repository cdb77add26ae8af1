/**
 * Document sync and diagnostics over real JSON-RPC: pushed on open and after incremental edits,
 * coalesced when edits arrive in a burst (never published for a stale version), pulled for clients
 * that ask (`textDocument/diagnostic`), cleared on close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentDiagnosticReport } from 'vscode-languageserver';
import { librarySettings, realToolchain } from './fixtures.js';
import { messages, parseMarkers, rangeAt, startServer, type TestClient } from './harness.js';

let client: TestClient | undefined;
afterEach(() => client?.dispose());

const uri = 'file:///work/house.sdprompt';

describe('pushed diagnostics', () => {
  it('reports problems at their ranges on open, with code, source and severity', async () => {
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: librarySettings }));
    const marked = parseMarkers('@prompt house\na house, <lora:<|nope|>:0.6>, (open\n');
    const published = client.nextDiagnostics(uri, 1);
    await client.open(uri, marked.text);
    const { diagnostics, version } = await published;
    expect(version).toBe(1);
    const unknown = diagnostics.find((d) => d.code === 'lora/unknown');
    expect(unknown, messages(diagnostics).join('\n')).toBeDefined();
    expect(unknown!.range).toEqual(rangeAt(marked.text, marked.ranges[0]!));
    expect(unknown!.source).toBe('sdprompt');
    expect(diagnostics.some((d) => String(d.code).startsWith('syntax/'))).toBe(true);
  });

  it('follows incremental edits and clears fixed problems', async () => {
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: librarySettings }));
    const text = '@prompt house\na house, <lora:nope:0.6>\n';
    const first = client.nextDiagnostics(uri, 1);
    await client.open(uri, text);
    expect((await first).diagnostics.map((d) => d.code)).toContain('lora/unknown');
    // Replace "nope" by "archi_sketch" with a ranged (incremental) change.
    const second = client.nextDiagnostics(uri, 2);
    await client.change(uri, [{ range: { start: { line: 1, character: 15 }, end: { line: 1, character: 19 } }, text: 'archi_sketch' }]);
    const after = await second;
    expect(after.diagnostics.map((d) => d.code)).not.toContain('lora/unknown');
    expect(client.server.documents.get(uri)!.getText()).toBe('@prompt house\na house, <lora:archi_sketch:0.6>\n');
  });

  it('coalesces a burst of edits into few runs and never publishes a stale version', async () => {
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: { ...librarySettings, diagnosticsDelayMs: 20 } }));
    await client.open(uri, '@prompt house\n');
    await client.nextDiagnostics(uri, 1);
    const runsBefore = client.server.analyses.runs;
    const publishedBefore = client.published.length;
    let version = 1;
    const word = 'a house with a garden, ';
    for (let i = 0; i < word.length; i++) {
      version = await client.change(uri, [{ range: { start: { line: 1, character: i }, end: { line: 1, character: i } }, text: word[i]! }]);
    }
    const last = await client.nextDiagnostics(uri, version);
    expect(last.version).toBe(version);
    const burst = client.published.slice(publishedBefore);
    expect(burst.every((p) => p.version === version)).toBe(true);
    expect(client.server.analyses.runs - runsBefore).toBeLessThan(word.length / 2);
    expect(client.server.scheduler.coalesced).toBeGreaterThan(0);
  });

  it('clears diagnostics when the document closes', async () => {
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: librarySettings }));
    await client.open(uri, '@prompt x\n<lora:nope:1>\n');
    expect((await client.nextDiagnostics(uri, 1)).diagnostics.length).toBeGreaterThan(0);
    const cleared = client.nextDiagnostics(uri);
    await client.close(uri);
    expect((await cleared).diagnostics).toEqual([]);
    expect(client.server.analyses.size).toBe(0);
  });
});

describe('pulled diagnostics', () => {
  it('answers textDocument/diagnostic with a full report, then unchanged for the same result id', async () => {
    ({ client } = await startServer({
      toolchain: await realToolchain(),
      settings: librarySettings,
      capabilities: { workspace: { configuration: true }, textDocument: { diagnostic: { dynamicRegistration: false } } },
    }));
    await client.open(uri, '@prompt house\n<lora:nope:0.6>\n');
    const full = await client.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
    expect(full.kind).toBe('full');
    if (full.kind !== 'full') return;
    expect(full.items.map((d) => d.code)).toContain('lora/unknown');
    const again = await client.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: full.resultId });
    expect(again.kind).toBe('unchanged');
    await client.change(uri, [{ text: '@prompt house\n<lora:archi_sketch:0.6>, archi sketch, pencil sketch\n' }]);
    const changed = await client.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: full.resultId });
    expect(changed.kind).toBe('full');
    if (changed.kind === 'full') expect(changed.items.map((d) => d.code)).not.toContain('lora/unknown');
    // A pull client gets no pushed diagnostics.
    expect(client.published).toEqual([]);
  });
});
