/**
 * The extension's LoRA gallery and insertion logic, against a mocked `vscode` module
 * (jest-mock-vscode): the tree items show preview, base model and trigger words, and choosing a
 * LoRA inserts `<lora:NAME:PREFERRED_WEIGHT>` and its trigger words with the right separators.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('jest-mock-vscode')).createVSCodeMock(vi));

const vscode = await import('vscode');
const { createTextDocument } = await import('jest-mock-vscode');
const { LoraGalleryProvider, galleryItem, INSERT_COMMAND } = await import('../../editors/vscode/src/gallery.js');
const { insertLora, insertionEdit, loraSnippet } = await import('../../editors/vscode/src/insert.js');
type GalleryLora = import('../../editors/vscode/src/insert.js').GalleryLora;

const sectionPlan: GalleryLora = {
  name: 'JL_sectionplan',
  baseModel: 'sd1',
  triggerWords: ['section plan', 'JL_section plan'],
  preferredWeight: 0.6,
  previewImage: '/loras/JL_sectionplan.png',
};
const sketch: GalleryLora = { name: 'archi_sketch', baseModel: 'sd1', triggerWords: [] };

/** Applies what insertLora asks of the editor to the text, as VS Code would. */
async function insertInto(text: string, line: number, character: number, lora: GalleryLora): Promise<string> {
  const document = createTextDocument(vscode.Uri.file('/work/test.sdprompt'), text, 'sdprompt');
  const position = new vscode.Position(line, character);
  const selection = new vscode.Selection(position, position);
  const replaced: Array<{ range: import('vscode').Range; text: string }> = [];
  const editor = {
    document,
    selection,
    selections: [selection],
    edit: vi.fn(async (callback: (builder: unknown) => void) => {
      callback({
        insert: (at: import('vscode').Position, value: string) => replaced.push({ range: new vscode.Range(at, at), text: value }),
        replace: (range: import('vscode').Range, value: string) => replaced.push({ range, text: value }),
      });
      return true;
    }),
  } as unknown as import('vscode').TextEditor;
  expect(await insertLora(editor, lora)).toBe(true);
  let result = text;
  for (const edit of replaced.reverse()) {
    const start = document.offsetAt(edit.range.start);
    const end = document.offsetAt(edit.range.end);
    result = result.slice(0, start) + edit.text + result.slice(end);
  }
  return result;
}

describe('LoRA insertion', () => {
  it('writes the tag with the preferred weight and the trigger words', () => {
    expect(loraSnippet(sectionPlan)).toBe('<lora:JL_sectionplan:0.6>, section plan, JL_section plan');
    expect(loraSnippet(sketch)).toBe('<lora:archi_sketch:1>');
  });

  it.each([
    ['empty line', '', 0, '<lora:JL_sectionplan:0.6>, section plan, JL_section plan'],
    ['after a tag', 'a house', 7, 'a house, <lora:JL_sectionplan:0.6>, section plan, JL_section plan'],
    ['after a tag and a space', 'a house ', 8, 'a house, <lora:JL_sectionplan:0.6>, section plan, JL_section plan'],
    ['after a comma', 'a house,', 8, 'a house, <lora:JL_sectionplan:0.6>, section plan, JL_section plan'],
    ['after a comma and space', 'a house, ', 9, 'a house, <lora:JL_sectionplan:0.6>, section plan, JL_section plan'],
    ['before more text', 'a house', 0, '<lora:JL_sectionplan:0.6>, section plan, JL_section plan, a house'],
    ['inside brackets', '(', 1, '(<lora:JL_sectionplan:0.6>, section plan, JL_section plan'],
  ])('%s', async (_name, text, character, expected) => {
    expect(await insertInto(text, 0, character, sectionPlan)).toBe(expected);
  });

  it('inserts on the cursor line of a multi-line file', async () => {
    const text = '@prompt house\na house\n@negative\nbad quality';
    expect(await insertInto(text, 1, 7, sketch)).toBe('@prompt house\na house, <lora:archi_sketch:1>\n@negative\nbad quality');
  });

  it('computes the edit start before trailing blanks', () => {
    const document = createTextDocument(vscode.Uri.file('/w/a.sdprompt'), 'cat   ', 'sdprompt');
    const { start, text } = insertionEdit(document, new vscode.Position(0, 6), sketch);
    expect(start.character).toBe(3);
    expect(text).toBe(', <lora:archi_sketch:1>');
  });
});

describe('LoRA gallery view', () => {
  it('shows each LoRA with preview, base model and trigger words, sorted by name', async () => {
    const provider = new LoraGalleryProvider(async () => [sectionPlan, sketch]);
    const children = await provider.getChildren();
    expect(children.map((lora) => lora.name)).toEqual(['archi_sketch', 'JL_sectionplan']);
    const item = provider.getTreeItem(sectionPlan);
    expect(item.label).toBe('JL_sectionplan');
    expect(item.description).toBe('sd1 · section plan, JL_section plan');
    expect((item.iconPath as import('vscode').Uri).fsPath).toBe('/loras/JL_sectionplan.png');
    expect(item.command).toMatchObject({ command: INSERT_COMMAND, arguments: [sectionPlan] });
    const tooltip = (item.tooltip as import('vscode').MarkdownString).value;
    expect(tooltip).toContain('`section plan`');
    expect(tooltip).toContain('<lora:JL_sectionplan:0.6>');
  });

  it('has no icon when a LoRA has no preview', () => {
    expect(galleryItem(sketch).iconPath).toBeUndefined();
    expect(galleryItem(sketch).description).toBe('sd1');
  });

  it('keeps working when the server cannot list LoRAs, and reloads on refresh', async () => {
    let calls = 0;
    const provider = new LoraGalleryProvider(async () => {
      calls++;
      if (calls === 1) throw new Error('server not running');
      return [sketch];
    });
    expect(await provider.getChildren()).toEqual([]);
    expect(provider.problem).toBe('server not running');
    const fired = vi.fn();
    provider.onDidChangeTreeData(fired);
    provider.refresh();
    expect(fired).toHaveBeenCalled();
    expect((await provider.getChildren()).map((lora) => lora.name)).toEqual(['archi_sketch']);
    expect(calls).toBe(2);
  });
});
