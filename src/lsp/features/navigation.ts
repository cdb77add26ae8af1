/**
 * Document symbols (prompts, fragments, parameter blocks, includes), document links (LoRA name →
 * its file, `@include` path → the file) and go to definition (`${fragment}` → its `@fragment`,
 * in this file or an included one; `@include` → the file).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SymbolKind, type DocumentLink, type DocumentSymbol, type Location } from 'vscode-languageserver';
import type { FragmentRefNode, PromptFile, Range } from '../../grammar/ast.js';
import { toLspRange, touches } from '../positions.js';
import { promptTexts, walkPrompt } from '../syntax-tree.js';
import type { FeatureContext } from './context.js';

export function documentSymbols(context: FeatureContext): DocumentSymbol[] {
  const { ast } = context.analysis;
  const symbol = (name: string, detail: string, kind: SymbolKind, range: Range, selection: Range | undefined, children: DocumentSymbol[] = []): DocumentSymbol => ({
    name: name === '' ? '(unnamed)' : name,
    detail,
    kind,
    range: toLspRange(range),
    selectionRange: toLspRange(selection ?? range),
    children,
  });
  const symbols: DocumentSymbol[] = [];
  for (const block of ast.blocks ?? []) symbols.push(symbol(`@${block.block}`, `${block.entries.length} entries`, SymbolKind.Namespace, block.range, block.directiveRange));
  if (ast.negative) symbols.push(symbol('@negative', 'default negative prompt', SymbolKind.String, ast.negative.range, undefined));
  for (const include of ast.includes ?? []) symbols.push(symbol(include.path, 'include', SymbolKind.File, include.range, include.pathRange));
  for (const fragment of ast.fragments ?? []) symbols.push(symbol(fragment.name, 'fragment', SymbolKind.Variable, fragment.range, fragment.nameRange));
  (ast.prompts ?? []).forEach((prompt, index) => {
    const children: DocumentSymbol[] = [];
    if (prompt.positive) children.push(symbol('positive', '', SymbolKind.String, prompt.positive.range, undefined));
    if (prompt.negative) children.push(symbol('negative', '', SymbolKind.String, prompt.negative.range, undefined));
    for (const block of prompt.blocks ?? []) children.push(symbol(`@${block.block}`, `${block.entries.length} entries`, SymbolKind.Namespace, block.range, block.directiveRange));
    symbols.push(symbol(prompt.name ?? `prompt ${index + 1}`, 'prompt', SymbolKind.Function, prompt.range, prompt.nameRange, children));
  });
  return symbols.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function documentLinks(context: FeatureContext): DocumentLink[] {
  const { ast, filePath } = context.analysis;
  const links: DocumentLink[] = [];
  for (const site of promptTexts(ast)) {
    walkPrompt(site.text.body ?? [], (node) => {
      if (node.kind !== 'network' || !/^(lora|lyco)$/i.test(node.type)) return;
      const nameArg = node.args[0];
      if (!nameArg) return;
      const lora = context.library.resolveLora(nameArg.value.trim());
      if (!lora?.path) return;
      links.push({ range: toLspRange(nameArg.valueRange), target: pathToFileURL(lora.path).href, tooltip: `Open ${lora.relativePath ?? lora.name}` });
    });
  }
  for (const include of ast.includes ?? []) {
    const target = includeTarget(filePath, include.path);
    if (target) links.push({ range: toLspRange(include.pathRange), target: pathToFileURL(target).href, tooltip: 'Open included file' });
  }
  return links;
}

export function definition(context: FeatureContext, offset: number): Location[] {
  const { ast, filePath, uri } = { ...context.analysis, uri: context.document.uri };
  const include = (ast.includes ?? []).find((node) => touches(node.range, offset));
  if (include) {
    const target = includeTarget(filePath, include.path);
    return target ? [{ uri: pathToFileURL(target).href, range: zeroRange() }] : [];
  }
  const reference = fragmentRefAt(ast, offset);
  if (!reference) return [];
  const local = (ast.fragments ?? []).find((fragment) => fragment.name === reference.name);
  if (local) return [{ uri, range: toLspRange(local.nameRange) }];
  // Fragments of included files (first match wins, as the analyzer merges them in include order).
  for (const node of ast.includes ?? []) {
    const target = includeTarget(filePath, node.path);
    if (!target) continue;
    const location = fragmentIn(context, target, reference.name);
    if (location) return [location];
  }
  return [];
}

function fragmentRefAt(ast: PromptFile, offset: number): FragmentRefNode | undefined {
  let found: FragmentRefNode | undefined;
  for (const site of promptTexts(ast)) {
    if (!touches(site.text.range, offset)) continue;
    walkPrompt(site.text.body ?? [], (node) => {
      if (node.kind === 'fragment-ref' && touches(node.range, offset)) found = node;
    });
  }
  return found;
}

function fragmentIn(context: FeatureContext, path: string, name: string): Location | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = context.toolchain.parse(text, { filePath: path });
  const fragment = (parsed.ast.fragments ?? []).find((node) => node.name === name);
  return fragment ? { uri: pathToFileURL(path).href, range: toLspRange(fragment.nameRange) } : undefined;
}

function includeTarget(filePath: string | undefined, includePath: string): string | undefined {
  if (!filePath && !includePath.startsWith('/')) return undefined;
  const target = filePath ? resolve(dirname(filePath), includePath) : includePath;
  return existsSync(target) ? target : undefined;
}

function zeroRange() {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
