import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../documents.js';
import type { ServerSettings } from '../settings.js';
import type { LibrarySnapshot, Toolchain } from '../toolchain.js';
import type { ParameterCatalog } from './parameter-catalog.js';
import type { TagIndex } from './tag-index.js';

/** What every feature reads: the document, its analysis of this exact version, and the workspace. */
export interface FeatureContext {
  document: TextDocument;
  analysis: DocumentAnalysis;
  settings: ServerSettings;
  library: LibrarySnapshot;
  tags?: TagIndex;
  catalog: ParameterCatalog;
  toolchain: Toolchain;
}

/** The whole `key: value` line structure is line-based; so is the text before the cursor. */
export function linePrefix(text: string, offset: number): { lineStart: number; prefix: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { lineStart, prefix: text.slice(lineStart, offset) };
}

/**
 * The directive whose block the line at `offset` belongs to: the nearest `@name` line above,
 * or undefined when none (a bare prompt).
 */
export function enclosingDirective(text: string, offset: number): string | undefined {
  let end = text.lastIndexOf('\n', offset - 1);
  while (end >= 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    const match = /^\s*@([A-Za-z]+)/.exec(line);
    if (match) return match[1]!.toLowerCase();
    end = start - 1;
  }
  return undefined;
}

/** Formats a weight as A1111 prints it in a card's prompt (`0.6`, `1`). */
export function formatWeight(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : String(Number(weight.toFixed(4)));
}
