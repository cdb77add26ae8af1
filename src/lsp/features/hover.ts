/**
 * Hover. Over a LoRA tag: its card, the editor's version of A1111's extra-networks card
 * (modules/ui_extra_networks.py): preview image, base model, trigger words, rank, hashes, and
 * advice on the weight written. Over any other prompt text: its effective A1111 weight and the
 * token chunk it falls in.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver';
import { pathToFileURL } from 'node:url';
import type { NetworkNode } from '../../grammar/ast.js';
import type { LoraInfo } from '../toolchain.js';
import { toLspRange, touches } from '../positions.js';
import { paramEntryAt, promptNodeAt, promptTextAt } from '../syntax-tree.js';
import { BLOCK_KEYS, valuesFor } from './parameter-catalog.js';
import { formatWeight, type FeatureContext } from './context.js';
import { chunkAt, chunksOf, describeWeights, promptAt, weightsAt } from './weights.js';

export function hover(context: FeatureContext, offset: number): Hover | null {
  const site = promptTextAt(context.analysis.ast, offset);
  if (!site) return parameterHover(context, offset);
  const found = promptNodeAt(site.text, offset);
  const network = found && [...found.ancestors, found.node].find((node): node is NetworkNode => node.kind === 'network');
  if (network) return networkHover(context, network, site.role);
  const lines: string[] = [];
  const at = promptAt(context.analysis, offset);
  if (at) {
    const weight = describeWeights(weightsAt(at.prompt, at.index));
    if (weight !== undefined) lines.push(`**Effective weight** (A1111): ${weight}`);
    const chunks = chunksOf(context.toolchain, context.analysis, at.prompt, at.engine);
    const chunk = chunks && chunkAt(chunks, at.index);
    if (chunk) {
      const approx = chunk.approximate ? ' (estimated: no CLIP vocabulary found)' : '';
      lines.push(`**Token chunk** ${chunk.number} of ${chunk.of}: ${chunk.tokenCount}/${chunk.capacity} tokens${approx}`);
    }
  }
  if (lines.length === 0) return null;
  const range = found ? toLspRange(found.node.range) : undefined;
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, ...(range ? { range } : {}) };
}

/** Over a parameter key: what it means and, for enumerated keys, the values it takes. */
function parameterHover(context: FeatureContext, offset: number): Hover | null {
  const found = paramEntryAt(context.analysis.ast, offset);
  const entry = found?.entry;
  if (!found || !entry || !touches(entry.keyRange, offset)) return null;
  const known = BLOCK_KEYS[found.block.block]?.find((candidate) => candidate.key === entry.key.toLowerCase());
  if (!known) return null;
  const values = valuesFor(known.key, context.catalog);
  const lines = [`**${known.key}** (\`@${found.block.block}\`): ${known.detail}`];
  if (values && values.length <= 40) lines.push(`Values: ${values.map((value) => `\`${value}\``).join(', ')}`);
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: toLspRange(entry.keyRange) };
}

function networkHover(context: FeatureContext, node: NetworkNode, role: string): Hover {
  const range = toLspRange(node.range);
  const type = node.type.toLowerCase();
  const name = node.args[0]?.value.trim() ?? '';
  if (type !== 'lora' && type !== 'lyco') {
    const text = node.knownType
      ? `Extra network \`${node.type}\`: \`${name}\``
      : `\`<${node.type}:…>\` is an extra network of the unknown type \`${node.type}\`: A1111 removes it from the prompt and ignores it (modules/extra_networks.py).`;
    return { contents: { kind: MarkupKind.Markdown, value: text }, range };
  }
  const lora = context.library.resolveLora(name);
  if (!lora) {
    const known = context.library.loras.length > 0 ? 'not found in the configured LoRA folders' : 'no LoRA folder is configured (setting `sdprompt.loraFolders`)';
    return { contents: { kind: MarkupKind.Markdown, value: `**${escapeMarkdown(name)}**: ${known}` }, range };
  }
  return { contents: { kind: MarkupKind.Markdown, value: loraCard(lora, node, role, loraUseAt(context, node)) }, range };
}

/** The model's reading of this tag (A1111 extra_networks_lora.py rules), when the model has it. */
function loraUseAt(context: FeatureContext, node: NetworkNode): { te: number; unet: number } | undefined {
  for (const prompt of context.analysis.model?.prompts ?? []) {
    for (const resolved of [prompt.positive, prompt.negative]) {
      const use = resolved?.loras?.find((candidate) => candidate.range.start.offset === node.range.start.offset);
      if (use) return { te: use.te, unet: use.unet };
    }
  }
  return undefined;
}

/** The card in Markdown; also used by completion resolve (without a tag). */
export function loraCard(lora: LoraInfo, node?: NetworkNode, role?: string, use?: { te: number; unet: number }): string {
  const lines: string[] = [];
  const title = [`**${escapeMarkdown(lora.name)}**`];
  if (lora.alias && lora.alias !== lora.name) title.push(`(alias \`${lora.alias}\`)`);
  title.push(`· ${lora.algorithm ?? 'LoRA'} · base model **${lora.baseModel ?? 'unknown'}**`);
  lines.push(title.join(' '));
  if (lora.previewImage) lines.push(`![preview of ${escapeMarkdown(lora.name)}](${pathToFileURL(lora.previewImage).href}|height=160)`);
  lines.push(
    lora.triggerWords.length > 0
      ? `**Trigger words:** ${lora.triggerWords.map((word) => `\`${word}\``).join(', ')}`
      : '**Trigger words:** none known',
  );
  const facts: string[] = [];
  if (lora.rank !== undefined) facts.push(`rank ${lora.rank}${lora.alpha !== undefined ? ` (alpha ${lora.alpha})` : ''}`);
  for (const [label, hash] of Object.entries(lora.hashes)) facts.push(`${label} \`${hash}\``);
  if (facts.length > 0) lines.push(facts.join(' · '));
  const advice = weightAdvice(lora, node, role, use);
  if (advice) lines.push(advice);
  if (lora.description) lines.push(escapeMarkdown(lora.description.slice(0, 500)));
  if (lora.path) lines.push(`[${escapeMarkdown(lora.relativePath ?? lora.name)}](${pathToFileURL(lora.path).href})`);
  return lines.join('\n\n');
}

/** The weight written in the tag against the LoRA's preferred weight, A1111's rules for te/unet. */
function weightAdvice(lora: LoraInfo, node: NetworkNode | undefined, role: string | undefined, use: { te: number; unet: number } | undefined): string | undefined {
  const preferred = lora.preferredWeight;
  const preferredText = preferred !== undefined ? `preferred weight ${formatWeight(preferred)}` : 'no preferred weight set (A1111 default multiplier 1)';
  if (role === 'negative') return `**Weight:** LoRA tags in a negative prompt are not activated by A1111 (processing.py parses positive prompts only).`;
  if (!node) return `**Weight:** ${preferredText}`;
  const { te, unet } = use ?? tagMultipliers(node);
  const written = te === unet ? `${formatWeight(te)}` : `te ${formatWeight(te)}, unet ${formatWeight(unet)}`;
  const notes: string[] = [`**Weight:** ${written} here; ${preferredText}.`];
  if (!Number.isFinite(te) || !Number.isFinite(unet)) notes.push('The weight is not a number A1111 can read.');
  else if (Math.abs(te) > 1.5 || Math.abs(unet) > 1.5) notes.push('Weights above 1.5 usually overcook the image; try 0.5-1.');
  else if (te === 0 && unet === 0) notes.push('A weight of 0 loads the LoRA but has no effect.');
  else if (preferred !== undefined && Math.abs(te - preferred) >= 0.3) notes.push(`This is far from the preferred ${formatWeight(preferred)}.`);
  return notes.join(' ');
}

/**
 * For tags outside the model (in a fragment body): A1111 extra_networks_lora.py reads te from the
 * first multiplier (default 1), unet from the second (default te); named te=/unet= override.
 */
function tagMultipliers(node: NetworkNode): { te: number; unet: number } {
  const positional = node.args.slice(1).filter((arg) => arg.name === undefined);
  const named = new Map(node.args.filter((arg) => arg.name !== undefined).map((arg) => [arg.name!, arg.value] as const));
  const te = Number(named.get('te') ?? positional[0]?.value ?? 1);
  const unet = Number(named.get('unet') ?? positional[1]?.value ?? te);
  return { te, unet };
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}
