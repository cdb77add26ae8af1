/**
 * The server never dies: a handler that throws fails that one request (logged once), everything
 * else goes on; 1,000 random edit sequences leave it answering, with flat memory.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionList, Hover, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Toolchain } from '../../src/lsp/toolchain.js';
import { librarySettings, realToolchain } from './fixtures.js';
import { startServer, type TestClient } from './harness.js';

let client: TestClient | undefined;
afterEach(() => client?.dispose());
const uri = 'file:///work/robust.sdprompt';

describe('error containment', () => {
  it('fails only the request whose handler throws, and logs the failure once', async () => {
    const real = await realToolchain();
    const broken: Toolchain = {
      ...real,
      format: () => {
        throw new Error('formatter exploded');
      },
    };
    ({ client } = await startServer({ toolchain: broken, settings: librarySettings }));
    await client.open(uri, '@prompt house\na house\n');
    const formatting = () => client!.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    await expect(formatting()).rejects.toThrow(/formatting failed: formatter exploded/);
    await expect(formatting()).rejects.toThrow(/formatter exploded/);
    expect(client.logs.filter((log) => log.message.includes('formatter exploded'))).toHaveLength(1);
    // Everything else still works.
    const completion = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 0 } });
    expect(completion.items).toBeDefined();
    const published = client.nextDiagnostics(uri, 2);
    await client.change(uri, [{ text: '@prompt house\n<lora:nope:1>\n' }]);
    expect((await published).diagnostics.map((d) => d.code)).toContain('lora/unknown');
  });

  it('keeps syntax diagnostics when the linter throws', async () => {
    const real = await realToolchain();
    const broken: Toolchain = {
      ...real,
      lint: () => {
        throw new Error('rule crashed');
      },
    };
    ({ client } = await startServer({ toolchain: broken, settings: librarySettings }));
    const published = client.nextDiagnostics(uri, 1);
    await client.open(uri, '@bogus\nx\n');
    expect((await published).diagnostics.map((d) => d.code)).toContain('syntax/unknown-directive');
    expect(client.logs.some((log) => log.message.includes('lint failed: rule crashed'))).toBe(true);
  });
});

/** Characters that stress the grammar: brackets, separators, networks, escapes, directives, unicode. */
const PIECES = ['(', ')', '[', ']', ':', '|', '\\', ',', ' ', '\n', '<lora:', '>', 'AND', 'BREAK', '@prompt ', '@params\n', '@negative\n', '#', '__', '${', '}', '1.2', 'house', '😀', 'é', '\r\n', 'steps: 20\n'];

const editArbitrary = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 8 }),
  insert: fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((parts) => parts.join('')),
});

function gc(): void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  collect();
  collect();
}

describe('random edits', () => {
  it('answers after 1,000 random edit sequences and its memory stays flat', async () => {
    ({ client } = await startServer({ toolchain: await realToolchain(), settings: librarySettings }));
    let text = '@prompt house\na (house:1.2), <lora:archi_sketch:0.6>\n';
    // The client's copy, with LSP's line rules (\n, \r\n and \r all end a line).
    let mirror = TextDocument.create(uri, 'sdprompt', 1, text);
    await client.open(uri, text);
    let round = 0;
    let baseline = 0;
    const sequences = fc.sample(fc.array(editArbitrary, { minLength: 1, maxLength: 5 }), { numRuns: 1000, seed: 20261125 });
    for (const sequence of sequences) {
      for (const edit of sequence) {
        const start = edit.at % (text.length + 1);
        const end = Math.min(text.length, start + edit.remove);
        const change: TextDocumentContentChangeEvent = { range: { start: mirror.positionAt(start), end: mirror.positionAt(end) }, text: edit.insert };
        const version = await client.change(uri, [change]);
        mirror = TextDocument.update(mirror, [change], version);
        text = mirror.getText();
      }
      const offset = text.length === 0 ? 0 : sequence[0]!.at % text.length;
      const position = mirror.positionAt(offset);
      // Every feature answers (or fails that request only); the server never goes away.
      const answers = await Promise.allSettled([
        client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position }),
        client.request<Hover>('textDocument/hover', { textDocument: { uri }, position }),
        client.request('textDocument/semanticTokens/full', { textDocument: { uri } }),
        client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: mirror.positionAt(text.length) } }),
        client.request('textDocument/documentSymbol', { textDocument: { uri } }),
        client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } }),
      ]);
      const failures = answers.filter((answer) => answer.status === 'rejected');
      expect(failures, `round ${round}: ${JSON.stringify(text)}: ${failures.map((f) => String((f as PromiseRejectedResult).reason)).join('; ')}`).toEqual([]);
      expect(client.server.documents.get(uri)!.getText()).toBe(text);
      round++;
      // The test client keeps what it received; only the server's memory is under test.
      client.published.length = 0;
      client.logs.length = 0;
      if (text.length > 3000) {
        // Keep documents editor-sized so that memory compares like with like.
        const change: TextDocumentContentChangeEvent = { text: text.slice(0, 500) };
        const version = await client.change(uri, [change]);
        mirror = TextDocument.update(mirror, [change], version);
        text = mirror.getText();
      }
      // Bounded caches (the A1111 model per prompt text, 256 entries) are full by now.
      if (round === 400) {
        gc();
        baseline = process.memoryUsage().heapUsed;
      }
    }
    gc();
    const grown = process.memoryUsage().heapUsed - baseline;
    console.log(`heap growth over rounds 400-1000: ${(grown / 1024 / 1024).toFixed(2)} MB`);
    // Flat: the last 600 rounds may not keep more than a few MB (a leak of one analysis per round would).
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect(client.server.containment.failures).toBe(0);
    expect(client.server.analyses.size).toBe(1);
  }, 180_000);
});
