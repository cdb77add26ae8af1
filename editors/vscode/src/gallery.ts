/**
 * The LoRA gallery: the editor's version of A1111's extra-networks cards (modules/ui_extra_networks.py).
 * Each LoRA is a tree item with its preview image as icon, its base model as description and a
 * tooltip card with the trigger words; choosing it runs `sdprompt.insertLora`, which inserts
 * `<lora:NAME:PREFERRED_WEIGHT>` and the trigger words at the cursor. The list comes from the
 * language server (`sdprompt/loras`), so the gallery shows exactly the library the server checks against.
 */
import * as vscode from 'vscode';
import { loraSnippet, type GalleryLora } from './insert.js';

export const INSERT_COMMAND = 'sdprompt.insertLora';

export class LoraGalleryProvider implements vscode.TreeDataProvider<GalleryLora> {
  private readonly changed = new vscode.EventEmitter<GalleryLora | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private loras: GalleryLora[] | undefined;
  /** Set when the last load failed; shown as a single item. */
  problem: string | undefined;

  constructor(private readonly source: () => Promise<GalleryLora[]>) {}

  refresh(): void {
    this.loras = undefined;
    this.changed.fire();
  }

  async getChildren(element?: GalleryLora): Promise<GalleryLora[]> {
    if (element) return [];
    if (!this.loras) {
      try {
        this.loras = await this.source();
        this.problem = undefined;
      } catch (error) {
        this.problem = error instanceof Error ? error.message : String(error);
        this.loras = [];
      }
      this.loras.sort((a, b) => a.name.localeCompare(b.name));
    }
    return this.loras;
  }

  getTreeItem(lora: GalleryLora): vscode.TreeItem {
    return galleryItem(lora);
  }
}

export function galleryItem(lora: GalleryLora): vscode.TreeItem {
  const item = new vscode.TreeItem(lora.name, vscode.TreeItemCollapsibleState.None);
  item.description = [lora.baseModel ?? 'unknown base', lora.triggerWords.length > 0 ? lora.triggerWords.join(', ') : undefined]
    .filter(Boolean)
    .join(' · ');
  if (lora.previewImage) item.iconPath = vscode.Uri.file(lora.previewImage);
  item.tooltip = galleryCard(lora);
  item.contextValue = 'sdprompt.lora';
  item.command = { command: INSERT_COMMAND, title: 'Insert LoRA', arguments: [lora] };
  return item;
}

/** The card shown on hover in the gallery: preview, base model, trigger words, what a click inserts. */
export function galleryCard(lora: GalleryLora): vscode.MarkdownString {
  const card = new vscode.MarkdownString(undefined, true);
  card.appendMarkdown(`**${escape(lora.name)}** · base model ${escape(lora.baseModel ?? 'unknown')}\n\n`);
  if (lora.previewImage) card.appendMarkdown(`![preview](${vscode.Uri.file(lora.previewImage).toString()}|height=200)\n\n`);
  card.appendMarkdown(
    lora.triggerWords.length > 0 ? `Trigger words: ${lora.triggerWords.map((word) => `\`${word}\``).join(', ')}\n\n` : 'No trigger words known\n\n',
  );
  card.appendMarkdown('Inserts: ');
  card.appendCodeblock(loraSnippet(lora), 'sdprompt');
  if (lora.description) card.appendMarkdown(`\n\n${escape(lora.description.slice(0, 300))}`);
  return card;
}

function escape(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}
