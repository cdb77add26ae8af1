/**
 * What choosing a LoRA card inserts, as A1111's card does (Lora/ui_extra_networks_lora.py: the card
 * prompt is `<lora:NAME:WEIGHT>` followed by the activation text; extraNetworks.js joins it to the
 * prompt with a separator). In a prompt file tags are comma-separated, so the insertion gets a
 * `, ` before it unless the cursor already follows a separator or starts a line.
 */
import * as vscode from 'vscode';

export interface GalleryLora {
  name: string;
  baseModel?: string;
  triggerWords: string[];
  preferredWeight?: number;
  previewImage?: string;
  path?: string;
  description?: string;
  /** `<lora:NAME:WEIGHT>, trigger words` as the server computed it. */
  insertText?: string;
}

/** `<lora:NAME:PREFERRED_WEIGHT>` plus the trigger words (A1111's default multiplier 1 without a preference). */
export function loraSnippet(lora: GalleryLora): string {
  if (lora.insertText) return lora.insertText;
  const weight = lora.preferredWeight ?? 1;
  const tag = `<lora:${lora.name}:${Number.isInteger(weight) ? weight : Number(weight.toFixed(4))}>`;
  return lora.triggerWords.length > 0 ? `${tag}, ${lora.triggerWords.join(', ')}` : tag;
}

/**
 * The edit that inserts the LoRA at `position`: where it starts (trailing blanks before the cursor
 * are replaced when a comma must go in first) and the text, with the separators the context needs.
 */
export function insertionEdit(document: vscode.TextDocument, position: vscode.Position, lora: GalleryLora): { start: vscode.Position; text: string } {
  const line = document.lineAt(position.line).text;
  const before = line.slice(0, position.character);
  const after = line.slice(position.character);
  const trimmed = before.trimEnd();
  let start = position;
  let text = loraSnippet(lora);
  if (trimmed === '' || /[([{|]$/.test(trimmed)) {
    // Start of a line or just inside a bracket: nothing to separate.
  } else if (trimmed.endsWith(',')) {
    if (!before.endsWith(' ')) text = ` ${text}`;
  } else {
    start = new vscode.Position(position.line, trimmed.length);
    text = `, ${text}`;
  }
  if (after.trim() !== '' && !/^\s*[,)\]}|]/.test(after)) text = `${text}, `;
  return { start, text };
}

/** Inserts the LoRA at every cursor of `editor`. Returns false when the editor refused the edit. */
export async function insertLora(editor: vscode.TextEditor, lora: GalleryLora): Promise<boolean> {
  const document = editor.document;
  const selections = editor.selections.length > 0 ? editor.selections : [editor.selection];
  return editor.edit((builder) => {
    for (const selection of selections) {
      if (!selection.isEmpty) {
        builder.replace(selection, loraSnippet(lora));
        continue;
      }
      const { start, text } = insertionEdit(document, selection.start, lora);
      builder.replace(new vscode.Range(start, selection.start), text);
    }
  });
}
