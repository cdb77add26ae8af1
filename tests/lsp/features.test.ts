/**
 * Hover, inlay hints, semantic tokens, formatting, symbols, links, definition and code actions over
 * real JSON-RPC, each with cursor (`<|>`) or range (`<|…|>`) markers in the input.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodeAction, DocumentLink, DocumentSymbol, Hover, InlayHint, Location, SemanticTokens, TextEdit } from 'vscode-languageserver';
import { SEMANTIC_LEGEND } from '../../src/lsp/features/semantic-tokens.js';
import { clipVocab, librarySettings, loraFolder, realToolchain, requireSharedVocabulary } from './fixtures.js';
import { parseMarkers, positionAt, rangeAt, startServer, type TestClient } from './harness.js';

let client: TestClient | undefined;
afterEach(() => client?.dispose());

async function open(input: string, settings: Record<string, unknown> = librarySettings, uri = 'file:///work/features.sdprompt') {
  ({ client } = await startServer({ toolchain: await realToolchain(), settings }));
  const marked = parseMarkers(input);
  await client.open(uri, marked.text);
  return { ...marked, uri, client };
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const offsetOf = (position: { line: number; character: number }) => {
    const lines = text.split('\n');
    return lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offsetOf(edit.range.start)) + edit.newText + result.slice(offsetOf(edit.range.end));
  return result;
}

const hoverText = (hover: Hover | null) => (hover ? (hover.contents as { value: string }).value : '');

describe('hover', () => {
  it('shows a LoRA card: preview, base model, trigger words, rank, hashes and weight advice', async () => {
    const { text, cursors, uri } = await open('@prompt house\na house, <lora:JL_sec<|>tionplan:1.8>\n');
    const hover = await client!.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, cursors[0]!) });
    const card = hoverText(hover);
    expect(card).toContain(`](${pathToFileURL(join(loraFolder, 'JL_sectionplan.png')).href}`);
    expect(card).toContain('base model **sd1**');
    expect(card).toContain('`section plan`, `JL_section plan`');
    expect(card).toMatch(/rank \d+/);
    expect(card).toMatch(/AutoV2 `[0-9a-f]{10}`/);
    expect(card).toContain('1.8 here; preferred weight 0.6');
    expect(card).toContain('above 1.5');
  });

  it.each([
    ['<lora:archi_sk<|>etch:0.5:0.8>', 'te 0.5, unet 0.8 here'],
    ['<lora:archi_sk<|>etch:unet=0.3>', 'te 1, unet 0.3 here'],
    ['<lora:archi_sk<|>etch>', '**Weight:** 1 here'],
  ])('reads the weights of %s as A1111 does', async (tag, expected) => {
    const { text, cursors, uri } = await open(`@prompt house\n${tag}\n`);
    const hover = await client!.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, cursors[0]!) });
    expect(hoverText(hover)).toContain(expected);
  });

  it('says when a LoRA is not in the library', async () => {
    const { text, cursors, uri } = await open('@prompt house\n<lora:nop<|>e:1>\n');
    const hover = await client!.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, cursors[0]!) });
    expect(hoverText(hover)).toContain('not found in the configured LoRA folders');
  });

  it('shows the effective A1111 weight and the token chunk of any text', async () => {
    requireSharedVocabulary();
    const { text, cursors, uri } = await open('@prompt house\na ((ho<|>use)), [gar<|>den]\n', { ...librarySettings, clipVocab });
    const inner = hoverText(await client!.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, cursors[0]!) }));
    expect(inner).toContain('**Effective weight** (A1111): 1.21');
    expect(inner).toMatch(/\*\*Token chunk\*\* 1 of 1: \d+\/75 tokens$/);
    const square = hoverText(await client!.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, cursors[1]!) }));
    expect(square).toContain(`(A1111): ${String(Number((1 / 1.1).toPrecision(6)))}`);
  });
});

describe('parameter hover', () => {
  it('explains a parameter key and lists its values', async () => {
    const { text, cursors, uri } = await open('@params\nsamp<|>ler: Euler a\nsteps: 20\n');
    const hover = hoverText(await client!.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionAt(text, cursors[0]!) }));
    expect(hover).toContain('**sampler** (`@params`)');
    expect(hover).toContain('`DPM++ 2M`');
  });
});

describe('inlay hints', () => {
  it('shows nested emphasis weights and chunk ends', async () => {
    requireSharedVocabulary();
    const long = Array.from({ length: 40 }, (_, i) => `tag${i}`).join(', ');
    const { text, uri } = await open(`@prompt house\n(((deep))), (plain:1.3), ${long}\n`, { ...librarySettings, clipVocab });
    const hints = await client!.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } });
    const labels = hints.map((hint) => String(hint.label));
    expect(labels).toContain('×1.331');
    expect(labels).not.toContain('×1.3'); // a lone (x:1.3) shows its weight already
    const chunkEnds = labels.filter((label) => label.includes('chunk'));
    expect(chunkEnds.length).toBeGreaterThanOrEqual(2);
    expect(chunkEnds[0]).toMatch(/^\d+\/75 │ chunk 1$/);
  });
});

describe('semantic tokens', () => {
  it('classifies directives, comments, networks, weights and keywords', async () => {
    const { text, uri } = await open('# note\n@prompt house\na (big:1.2) BREAK <lora:archi_sketch:0.6>\n');
    const tokens = await client!.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    // Decode the relative encoding back to (text, type).
    const decoded: Array<[string, string]> = [];
    let line = 0;
    let character = 0;
    const lines = text.split('\n');
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [deltaLine, deltaStart, length, type] = tokens.data.slice(i, i + 4) as [number, number, number, number];
      line += deltaLine;
      character = deltaLine === 0 ? character + deltaStart : deltaStart;
      decoded.push([lines[line]!.slice(character, character + length), SEMANTIC_LEGEND.tokenTypes[type]!]);
    }
    expect(decoded).toEqual(
      expect.arrayContaining([
        ['# note', 'comment'],
        ['@prompt', 'keyword'],
        ['house', 'function'],
        ['1.2', 'number'],
        ['BREAK', 'keyword'],
        ['lora', 'macro'],
        ['archi_sketch', 'function'],
        ['0.6', 'number'],
      ]),
    );
  });
});

describe('formatting', () => {
  it('formats the document with minimal edits, and refuses files with syntax errors', async () => {
    const { text, uri } = await open('@prompt house\na house ,  (big:1.20),,garden\n');
    const edits = await client!.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits.length).toBeGreaterThan(0);
    const formatted = applyEdits(text, edits);
    expect(formatted).not.toBe(text);
    await client!.change(uri, [{ text: formatted }]);
    expect(await client!.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    // A syntax error (`@bogus`): the file is left alone, and the log says why.
    await client!.change(uri, [{ text: '@bogus\na ,  b\n' }]);
    expect(await client!.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    expect(client!.logs.some((log) => log.message.includes('not formatting') && log.message.includes('syntax errors'))).toBe(true);
  });

  it('formats only the prompt a range touches', async () => {
    const { text, ranges, uri } = await open('@prompt one\na ,  b\n@prompt two\n<|c ,  d|>\n');
    const edits = await client!.request<TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri }, range: rangeAt(text, ranges[0]!), options: { tabSize: 2, insertSpaces: true } });
    const formatted = applyEdits(text, edits);
    expect(formatted.startsWith('@prompt one\na ,  b\n')).toBe(true);
    expect(formatted).not.toContain('c ,  d');
  });
});

describe('navigation', () => {
  it('lists prompts, fragments and blocks as document symbols', async () => {
    const { uri } = await open('@params\nsteps: 20\n@fragment style\npencil\n@prompt house\na ${style}\n@negative\nbad\n@prompt garden\nflowers\n');
    const symbols = await client!.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    expect(symbols.map((symbol) => symbol.name)).toEqual(['@params', 'style', 'house', 'garden']);
    expect(symbols[2]!.children!.map((child) => child.name)).toEqual(['positive', 'negative']);
  });

  it('links LoRA names to their files', async () => {
    const { text, ranges, uri } = await open('@prompt house\n<lora:<|archi_sketch|>:0.6>\n');
    const links = await client!.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
    expect(links).toEqual([expect.objectContaining({ range: rangeAt(text, ranges[0]!), target: pathToFileURL(join(loraFolder, 'archi_sketch.safetensors')).href })]);
  });

  it('goes to the definition of a fragment, here and in an included file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdprompt-def-'));
    writeFileSync(join(dir, 'common.sdprompt'), '@fragment shared\nink lines\n');
    const uri = pathToFileURL(join(dir, 'main.sdprompt')).href;
    const { text, cursors, ranges } = await open('@include "com<|>mon.sdprompt"\n@fragment <|style|>\npencil\n@prompt house\na ${st<|>yle}, ${sha<|>red}\n', librarySettings, uri);
    const common = pathToFileURL(join(dir, 'common.sdprompt')).href;
    const include = await client!.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: positionAt(text, cursors.shift()!) });
    expect(include.map((location) => location.uri)).toEqual([common]);
    const links = await client!.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
    expect(links.map((link) => link.target)).toContain(common);
    const local = await client!.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: positionAt(text, cursors[0]!) });
    expect(local).toEqual([{ uri, range: rangeAt(text, ranges[0]!) }]);
    const included = await client!.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: positionAt(text, cursors[1]!) });
    expect(included).toEqual([{ uri: pathToFileURL(join(dir, 'common.sdprompt')).href, range: { start: { line: 0, character: 10 }, end: { line: 0, character: 16 } } }]);
  });
});

describe('code actions', () => {
  it('offers each fix as a quick fix and fixes everything with source.fixAll.sdprompt', async () => {
    const { text, uri } = await open('@prompt house\na house, <lora:JL_sectionplan:0.6>\n');
    const diagnostics = (await client!.nextDiagnostics(uri, 1)).diagnostics;
    const missing = diagnostics.find((diagnostic) => diagnostic.code === 'lora/missing-trigger')!;
    expect(missing).toBeDefined();
    const actions = await client!.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: missing.range, context: { diagnostics: [missing], only: ['quickfix'] } });
    const quickFix = actions.find((action) => action.isPreferred)!;
    expect(quickFix.kind).toBe('quickfix');
    const fixed = applyEdits(text, quickFix.edit!.changes![uri]!);
    expect(fixed).toContain('section plan');
    expect(fixed).toContain('JL_section plan');
    const fixAll = await client!.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } });
    expect(fixAll.map((action) => action.kind)).toEqual(['source.fixAll.sdprompt']);
    expect(applyEdits(text, fixAll[0]!.edit!.changes![uri]!)).toBe(fixed);
  });
});
