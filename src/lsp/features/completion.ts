/**
 * Completion. The context is read from the text before the cursor on its line, so it works while
 * the tag being typed is still broken (an unterminated `<lora:` is text to the parser):
 * directives after `@`, keys and values inside parameter blocks, network types after `<`, LoRA
 * names after `<lora:`/`<lyco:`, wildcards after `__`, fragments after `${`, embeddings after
 * `embedding:`, and otherwise tags, embeddings and the trigger words of LoRAs already in the prompt.
 * Tag lists are filtered here (isIncomplete) so a 100,000-tag list never travels to the client.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
  type CompletionList,
  type Range as LspRange,
} from 'vscode-languageserver';
import type { LoraInfo } from '../toolchain.js';
import { offsetRange } from '../positions.js';
import { enclosingDirective, formatWeight, linePrefix, type FeatureContext } from './context.js';
import { BLOCK_KEYS, DIRECTIVES, valuesFor, type BlockName } from './parameter-catalog.js';
import { tagInsertText, tagTypeName } from './tag-index.js';

export interface CompletionData {
  kind: 'lora' | 'tag';
  name: string;
}

/** Network types A1111 knows (extra_networks.py registry + the Lora extension's `lyco` alias). */
const NETWORK_TYPES = [
  { name: 'lora', detail: 'LoRA: <lora:NAME:WEIGHT>' },
  { name: 'lyco', detail: 'LyCORIS (A1111 alias of lora; not in Forge)' },
  { name: 'hypernet', detail: 'Hypernetwork: <hypernet:NAME:WEIGHT>' },
];

const BLOCKS = new Set<string>(['params', 'controlnet', 'img2img', 'inpaint', 'hires']);
/** Characters that end a tag in A1111 prompt text. */
const TAG_DELIMITER = /[,()[\]{}|:<>\n]/;

export function complete(context: FeatureContext, offset: number): CompletionList {
  const { text } = context.analysis;
  const { lineStart, prefix } = linePrefix(text, offset);
  const range = (start: number, end = offset): LspRange => offsetRange(context.document, start, end);
  const list = (items: CompletionItem[], isIncomplete = false): CompletionList => ({ isIncomplete, items });

  if (/^\s*#/.test(prefix)) return list([]);
  const directive = /^(\s*)@([A-Za-z]*)$/.exec(prefix);
  if (directive) {
    const start = lineStart + directive[1]!.length;
    return list(
      DIRECTIVES.map((entry) => ({
        label: `@${entry.name}`,
        kind: CompletionItemKind.Keyword,
        detail: entry.detail,
        textEdit: { range: range(start), newText: `@${entry.name}` },
      })),
    );
  }

  const block = enclosingDirective(text, lineStart);
  if (block && BLOCKS.has(block)) return list(completeParameter(context, block as BlockName, prefix, lineStart, range));

  const network = /<(\w*)(?::([^<>]*))?$/.exec(prefix);
  if (network) {
    const tagStart = lineStart + network.index;
    if (network[2] === undefined) {
      return list(
        NETWORK_TYPES.map((type) => ({
          label: type.name,
          kind: CompletionItemKind.Module,
          detail: type.detail,
          textEdit: { range: range(tagStart), newText: `<${type.name}:` },
          command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
        })),
      );
    }
    const type = network[1]!.toLowerCase();
    if ((type === 'lora' || type === 'lyco') && !network[2].includes(':')) {
      return list(completeLora(context, type, tagStart, offset, range), true);
    }
    return list([]);
  }

  const wildcard = /__([\w/*.-]*)$/.exec(prefix);
  if (wildcard) {
    const start = lineStart + wildcard.index;
    return list(
      context.library.wildcards.map((name) => ({
        label: `__${name}__`,
        kind: CompletionItemKind.File,
        detail: 'wildcard',
        filterText: `__${name}`,
        textEdit: { range: range(start, closingUnderscores(text, offset)), newText: `__${name}__` },
      })),
    );
  }

  const fragment = /\$\{(\w*)$/.exec(prefix);
  if (fragment) {
    const start = lineStart + fragment.index;
    const end = text[offset] === '}' ? offset + 1 : offset;
    return list(
      (context.analysis.ast.fragments ?? []).map((node) => ({
        label: node.name,
        kind: CompletionItemKind.Variable,
        detail: 'fragment',
        filterText: `\${${node.name}`,
        textEdit: { range: range(start, end), newText: `\${${node.name}}` },
      })),
    );
  }

  const embedding = /embedding:([^\s,()[\]<>]*)$/.exec(prefix);
  if (embedding) {
    const start = offset - embedding[1]!.length;
    return list(context.library.embeddings.map((name) => embeddingItem(name, range(start))));
  }

  return completeText(context, offset, prefix, range);
}

function completeParameter(
  context: FeatureContext,
  block: BlockName,
  prefix: string,
  lineStart: number,
  range: (start: number, end?: number) => LspRange,
): CompletionItem[] {
  const keyOnly = /^(\s*)([\w-]*)$/.exec(prefix);
  if (keyOnly) {
    const start = lineStart + keyOnly[1]!.length;
    return BLOCK_KEYS[block].map((entry) => ({
      label: entry.key,
      kind: CompletionItemKind.Property,
      detail: entry.detail,
      textEdit: { range: range(start), newText: `${entry.key}: ` },
      command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
    }));
  }
  const keyValue = /^\s*([\w-]+)\s*:\s*(.*)$/.exec(prefix);
  if (!keyValue) return [];
  const values = valuesFor(keyValue[1]!, context.catalog);
  if (!values) return [];
  const start = lineStart + prefix.length - keyValue[2]!.length;
  return values.map((value, index) => ({
    label: value,
    kind: CompletionItemKind.EnumMember,
    detail: keyValue[1]!.toLowerCase() === 'sampler' || keyValue[1]!.toLowerCase() === 'scheduler' ? `from ${context.catalog.source === 'engine' ? 'the engine' : 'the known A1111 list'}` : undefined,
    sortText: String(index).padStart(4, '0'),
    textEdit: { range: range(start), newText: value },
  }));
}

function completeLora(
  context: FeatureContext,
  type: string,
  tagStart: number,
  offset: number,
  range: (start: number, end?: number) => LspRange,
): CompletionItem[] {
  const { text } = context.analysis;
  // Editing the name of a complete tag (`<lora:na|:0.6>`): replace only the name.
  let nameEnd = offset;
  while (nameEnd < text.length && !/[:<>\n]/.test(text[nameEnd]!)) nameEnd++;
  const completeTag = text[nameEnd] === ':' || text[nameEnd] === '>';
  const nameStart = tagStart + type.length + 2;
  return matchingLoras(context, text.slice(nameStart, offset)).flatMap((lora, index): CompletionItem[] => {
    const weight = formatWeight(lora.preferredWeight ?? 1);
    const detail = loraDetail(lora);
    const sortText = String(index).padStart(5, '0');
    const data: CompletionData = { kind: 'lora', name: lora.name };
    if (completeTag) {
      return [{ label: lora.name, kind: CompletionItemKind.Module, detail, sortText, data, textEdit: { range: range(nameStart, nameEnd), newText: lora.name } }];
    }
    const tag = `<${type}:${lora.name}:${weight}>`;
    const end = text[offset] === '>' ? offset + 1 : offset;
    const items: CompletionItem[] = [
      {
        label: lora.name,
        kind: CompletionItemKind.Module,
        detail,
        sortText,
        filterText: `<${type}:${lora.name}`,
        data,
        textEdit: { range: range(tagStart, end), newText: tag },
        // Open the list again right after the tag: it then offers this LoRA's trigger words.
        command: lora.triggerWords.length > 0 ? { title: 'Trigger words', command: 'editor.action.triggerSuggest' } : undefined,
      },
    ];
    if (lora.triggerWords.length > 0) {
      items.push({
        label: `${lora.name} + trigger words`,
        kind: CompletionItemKind.Snippet,
        detail: `${tag}, ${lora.triggerWords.join(', ')}`,
        sortText: `${sortText}~`,
        filterText: `<${type}:${lora.name}`,
        data,
        insertTextFormat: InsertTextFormat.PlainText,
        textEdit: { range: range(tagStart, end), newText: `${tag}, ${lora.triggerWords.join(', ')}` },
      });
    }
    return items;
  });
}

/**
 * LoRAs whose name or alias contains what was typed (A1111's card search is a case-insensitive
 * substring match), names starting with it first, at most `maxCompletionItems`: a large library is
 * filtered here, and the list is marked incomplete so the client asks again as the name grows.
 */
function matchingLoras(context: FeatureContext, typed: string): LoraInfo[] {
  const query = typed.trim().toLowerCase();
  const scored: Array<{ lora: LoraInfo; rank: number }> = [];
  context.library.loras.forEach((lora, index) => {
    const names = [lora.name.toLowerCase(), lora.alias?.toLowerCase() ?? ''];
    if (query === '' || names.some((name) => name.startsWith(query))) scored.push({ lora, rank: index });
    else if (names.some((name) => name.includes(query))) scored.push({ lora, rank: 1_000_000 + index });
  });
  return scored
    .sort((a, b) => a.rank - b.rank)
    .slice(0, context.settings.maxCompletionItems)
    .map((entry) => entry.lora);
}

export function loraDetail(lora: LoraInfo): string {
  const parts = [lora.baseModel ? `base ${lora.baseModel}` : 'base unknown'];
  parts.push(`weight ${formatWeight(lora.preferredWeight ?? 1)}`);
  if (lora.triggerWords.length > 0) parts.push(`triggers: ${lora.triggerWords.join(', ')}`);
  return parts.join(' · ');
}

function embeddingItem(name: string, range: LspRange): CompletionItem {
  return { label: name, kind: CompletionItemKind.Reference, detail: 'embedding', textEdit: { range, newText: name } };
}

/** `__name` followed by `__` already: replace through it. */
function closingUnderscores(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && /[\w/*.-]/.test(text[end]!) && !text.startsWith('__', end)) end++;
  return text.startsWith('__', end) ? end + 2 : offset;
}

/** Plain prompt text: trigger words of LoRAs used in this prompt, then tags and embeddings. */
function completeText(
  context: FeatureContext,
  offset: number,
  prefix: string,
  range: (start: number, end?: number) => LspRange,
): CompletionList {
  const { text } = context.analysis;
  let start = offset;
  while (start > 0 && !TAG_DELIMITER.test(text[start - 1]!)) start--;
  while (start < offset && /\s/.test(text[start]!)) start++;
  const word = text.slice(start, offset);
  const wordRange = range(start);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();

  for (const trigger of triggerWordsInScope(context, offset)) {
    if (seen.has(trigger.word) || !trigger.word.toLowerCase().startsWith(word.toLowerCase())) continue;
    if (promptAlreadyHas(text, trigger.word, offset)) continue;
    seen.add(trigger.word);
    items.push({
      label: trigger.word,
      kind: CompletionItemKind.Keyword,
      detail: `trigger word of ${trigger.lora}`,
      sortText: `0${String(items.length).padStart(4, '0')}`,
      filterText: word === '' ? trigger.word : undefined,
      textEdit: { range: wordRange, newText: trigger.word },
    });
  }
  if (word === '') return { isIncomplete: true, items };

  const limit = context.settings.maxCompletionItems;
  const lowerWord = word.toLowerCase();
  for (const name of context.library.embeddings) {
    if (items.length >= limit) break;
    if (!name.toLowerCase().startsWith(lowerWord)) continue;
    items.push({ ...embeddingItem(name, wordRange), sortText: `1${name}` });
  }
  let incomplete = false;
  if (context.tags) {
    const { matches, total } = context.tags.search(word, Math.max(0, limit - items.length));
    incomplete = total > matches.length;
    matches.forEach((match, index) => {
      const insert = tagInsertText(match.tag.name);
      const aliasNote = match.kind === 'alias' ? ` ← ${match.alias}` : '';
      items.push({
        label: match.tag.name + aliasNote,
        kind: CompletionItemKind.Text,
        detail: `${tagTypeName(match.tag.type)}${match.tag.count ? ` · ${match.tag.count.toLocaleString('en-US')} posts` : ''}`,
        // The server already filtered (aliases, later words): the client must keep every item.
        filterText: word,
        sortText: `2${String(index).padStart(5, '0')}`,
        data: { kind: 'tag', name: match.tag.name } satisfies CompletionData,
        textEdit: { range: wordRange, newText: insert },
      });
    });
  }
  // Always incomplete while typing a word: the next keystroke narrows on the server.
  return { isIncomplete: incomplete || prefix.length > 0, items };
}

interface TriggerInScope {
  word: string;
  lora: string;
}

/** Trigger words of the LoRAs named in the prompt text around `offset`. */
function triggerWordsInScope(context: FeatureContext, offset: number): TriggerInScope[] {
  const { text } = context.analysis;
  const { start, end } = promptTextBounds(context, offset);
  const found: TriggerInScope[] = [];
  const pattern = /<(?:lora|lyco):([^:>]+)[^>]*>/gi;
  const scope = text.slice(start, end);
  for (let match = pattern.exec(scope); match; match = pattern.exec(scope)) {
    const lora = context.library.resolveLora(match[1]!.trim());
    if (!lora) continue;
    for (const word of lora.triggerWords) found.push({ word, lora: lora.name });
  }
  return found;
}

function promptTextBounds(context: FeatureContext, offset: number): { start: number; end: number } {
  const { ast, text } = context.analysis;
  const sites = [...(ast.prompts ?? []).flatMap((prompt) => [prompt.positive, prompt.negative]), ...(ast.fragments ?? []).map((fragment) => fragment.text), ast.negative];
  for (const site of sites) {
    if (site && site.range.start.offset <= offset && offset <= site.range.end.offset) {
      return { start: site.range.start.offset, end: Math.max(site.range.end.offset, offset) };
    }
  }
  // A prompt text still being typed: its own paragraph.
  const start = text.lastIndexOf('\n@', offset);
  return { start: start < 0 ? 0 : start, end: text.length };
}

/** True when the trigger word already appears as a tag elsewhere in the text (ignoring the word being typed). */
function promptAlreadyHas(text: string, word: string, offset: number): boolean {
  const pattern = new RegExp(`(^|[,(\\[\\n])\\s*${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*(?=[,)\\]:\\n]|$)`, 'i');
  return pattern.test(text.slice(0, Math.max(0, offset - 1))) || pattern.test(text.slice(offset));
}
