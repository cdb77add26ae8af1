/**
 * The extension package: its manifest points at files that exist, `npm run package` (esbuild
 * bundle + `vsce package --no-dependencies`) builds a .vsix holding the bundled server, and that
 * bundled server answers LSP over stdio with diagnostics.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { repoRoot } from '../lsp/fixtures.js';

const run = promisify(execFile);
const extensionRoot = join(repoRoot, 'editors/vscode');
const manifest = JSON.parse(readFileSync(join(extensionRoot, 'package.json'), 'utf8'));
const vsix = join(extensionRoot, 'sdprompt-vscode.vsix');

describe('extension manifest', () => {
  it('declares the language, grammar, configuration and gallery', () => {
    expect(manifest.contributes.languages).toEqual([expect.objectContaining({ id: 'sdprompt', extensions: ['.sdprompt'] })]);
    expect(existsSync(join(extensionRoot, manifest.contributes.languages[0].configuration))).toBe(true);
    expect(manifest.contributes.grammars[0]).toMatchObject({ language: 'sdprompt', scopeName: 'source.sdprompt' });
    expect(existsSync(join(extensionRoot, manifest.contributes.grammars[0].path))).toBe(true);
    const settings = Object.keys(manifest.contributes.configuration.properties);
    expect(settings).toEqual(expect.arrayContaining(['sdprompt.loraFolders', 'sdprompt.engineUrl', 'sdprompt.rules', 'sdprompt.tagFiles']));
    expect(manifest.contributes.views.sdprompt[0].id).toBe('sdprompt.loraGallery');
    expect(manifest.activationEvents).toContain('onLanguage:sdprompt');
    const configuration = JSON.parse(readFileSync(join(extensionRoot, 'language-configuration.json'), 'utf8'));
    expect(configuration.comments.lineComment).toBe('#');
    expect(configuration.brackets).toEqual(expect.arrayContaining([['(', ')'], ['[', ']'], ['<', '>']]));
  });
});

describe('npm run package', () => {
  beforeAll(async () => {
    rmSync(vsix, { force: true });
    await run('npm', ['run', 'package', '--silent'], { cwd: repoRoot, timeout: 120_000 });
  }, 150_000);

  it('builds a .vsix with the bundled extension and server', () => {
    expect(existsSync(vsix)).toBe(true);
    // Zip entries keep their names in plain text in the local headers.
    const bytes = readFileSync(vsix).toString('latin1');
    for (const entry of ['extension/package.json', 'extension/out/extension.cjs', 'extension/out/server.cjs', 'extension/syntaxes/sdprompt.tmLanguage.json', 'extension/language-configuration.json']) {
      expect(bytes).toContain(entry);
    }
    expect(bytes).not.toContain('extension/src/');
  });

  it('ships a server that answers over stdio', async () => {
    const child = spawn(process.execPath, [join(extensionRoot, 'out/server.cjs'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const published = new Promise<PublishDiagnosticsParams>((resolve) => connection.onNotification('textDocument/publishDiagnostics', resolve));
    connection.listen();
    try {
      await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
      await connection.sendNotification('initialized', {});
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///w/a.sdprompt', languageId: 'sdprompt', version: 1, text: '@bogus\nx\n' } });
      const diagnostics = await published;
      expect(diagnostics.diagnostics.map((d) => d.code)).toContain('syntax/unknown-directive');
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
