/**
 * The VS Code extension: starts the bundled sdprompt language server (out/server.cjs, over stdio)
 * with vscode-languageclient, and adds the LoRA gallery view and its insert command.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { INSERT_COMMAND, LoraGalleryProvider } from './gallery.js';
import { insertLora, type GalleryLora } from './insert.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('out', 'server.cjs'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sdprompt' },
      { scheme: 'untitled', language: 'sdprompt' },
    ],
    synchronize: {
      configurationSection: 'sdprompt',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{sdprompt.config.json,package.json}'),
    },
  };
  client = new LanguageClient('sdprompt', 'sdprompt language server', serverOptions, clientOptions);
  await client.start();

  const gallery = new LoraGalleryProvider(async () => (client ? ((await client.sendRequest('sdprompt/loras')) as GalleryLora[]) : []));
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('sdprompt.loraGallery', gallery),
    vscode.commands.registerCommand(INSERT_COMMAND, async (lora?: GalleryLora) => {
      const editor = vscode.window.activeTextEditor;
      if (!lora || !editor) {
        void vscode.window.showInformationMessage('Open a prompt file and choose a LoRA in the gallery to insert it.');
        return;
      }
      await insertLora(editor, lora);
    }),
    vscode.commands.registerCommand('sdprompt.refreshGallery', () => gallery.refresh()),
    vscode.commands.registerCommand('sdprompt.restartServer', async () => {
      await client?.restart();
      gallery.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('sdprompt')) gallery.refresh();
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
