/**
 * The extension's activation glue against mocked `vscode` (jest-mock-vscode) and
 * vscode-languageclient modules: it starts the bundled server for `sdprompt` documents, registers
 * the gallery and its commands, and the insert command writes into the active editor.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('jest-mock-vscode')).createVSCodeMock(vi));

const started: Array<{ id: string; serverOptions: any; clientOptions: any }> = [];
const requests: string[] = [];
vi.mock('vscode-languageclient/node', () => ({
  TransportKind: { stdio: 0, ipc: 1 },
  LanguageClient: class {
    constructor(id: string, _name: string, serverOptions: unknown, clientOptions: unknown) {
      started.push({ id, serverOptions, clientOptions });
    }
    start = vi.fn(async () => undefined);
    stop = vi.fn(async () => undefined);
    restart = vi.fn(async () => undefined);
    sendRequest = vi.fn(async (method: string) => {
      requests.push(method);
      return [{ name: 'JL_sectionplan', baseModel: 'sd1', triggerWords: ['section plan'], preferredWeight: 0.6, insertText: '<lora:JL_sectionplan:0.6>, section plan' }];
    });
  },
}));

const vscode = await import('vscode');
const { activate } = await import('../../editors/vscode/src/extension.js');

describe('activate', () => {
  it('starts the bundled server and registers the gallery and commands', async () => {
    const subscriptions: unknown[] = [];
    const context = { subscriptions, asAbsolutePath: (relative: string) => `/ext/${relative}` } as unknown as import('vscode').ExtensionContext;
    await activate(context);

    expect(started).toHaveLength(1);
    expect(started[0]!.id).toBe('sdprompt');
    expect(started[0]!.serverOptions.run).toMatchObject({ module: '/ext/out/server.cjs', transport: 0 });
    expect(started[0]!.clientOptions.documentSelector).toEqual(expect.arrayContaining([{ scheme: 'file', language: 'sdprompt' }]));
    expect(started[0]!.clientOptions.synchronize.configurationSection).toBe('sdprompt');

    const treeRegistration = vi.mocked(vscode.window.registerTreeDataProvider).mock.calls[0]!;
    expect(treeRegistration[0]).toBe('sdprompt.loraGallery');
    const commands = vi.mocked(vscode.commands.registerCommand).mock.calls.map((call) => call[0]);
    expect(commands).toEqual(expect.arrayContaining(['sdprompt.insertLora', 'sdprompt.refreshGallery', 'sdprompt.restartServer']));

    // The gallery asks the server for its LoRAs.
    const provider = treeRegistration[1] as import('vscode').TreeDataProvider<{ name: string }>;
    const children = (await provider.getChildren!()) as Array<{ name: string }>;
    expect(children.map((lora) => lora.name)).toEqual(['JL_sectionplan']);
    expect(requests).toEqual(['sdprompt/loras']);

    // Choosing a LoRA with no editor open says what to do; with one, it inserts at the cursor.
    const insert = vi.mocked(vscode.commands.registerCommand).mock.calls.find((call) => call[0] === 'sdprompt.insertLora')![1];
    await insert(children[0]);
    expect(vscode.window.showInformationMessage).toHaveBeenCalled();
    const position = new vscode.Position(0, 0);
    const edit = vi.fn(async (callback: (builder: { replace: (range: unknown, text: string) => void }) => void) => {
      const inserted: string[] = [];
      callback({ replace: (_range, text) => inserted.push(text) });
      expect(inserted).toEqual(['<lora:JL_sectionplan:0.6>, section plan']);
      return true;
    });
    const editor = {
      document: { lineAt: () => ({ text: '' }) },
      selection: new vscode.Selection(position, position),
      selections: [new vscode.Selection(position, position)],
      edit,
    };
    vi.spyOn(vscode.window, 'activeTextEditor', 'get').mockReturnValue(editor as unknown as import('vscode').TextEditor);
    await insert(children[0]);
    expect(edit).toHaveBeenCalledTimes(1);
  });
});
