/**
 * Wildcard files as sd-dynamic-prompts reads them (dynamicprompts wildcards/tree/build.py,
 * wildcards/collection/structured.py; engine-syntaxes.md "Dynamic Prompts"):
 *  - `.txt`: one entry per line; blank lines and lines starting with `#` are skipped; the name is
 *    the relative path without extension (`__sub/name__`);
 *  - `.yaml` and `.json`: mapping keys become nested path parts below the file's folder
 *    (`{art: {oil: [...]}}` gives `__art/oil__`); a top-level list is named after the file.
 */
import { parse as parseYaml } from 'yaml';

export interface WildcardFileFacts {
  wildcards: Array<{ name: string; values: string[] }>;
  problem?: string;
}

/** Nesting deeper than this is refused (a YAML bomb or a mistake, not a wildcard collection). */
const MAX_DEPTH = 32;

export function parseWildcardFile(relativePath: string, text: string): WildcardFileFacts {
  const lower = relativePath.toLowerCase();
  const withoutExtension = relativePath.replace(/\.[^./]+$/, '');
  const folder = relativePath.includes('/') ? relativePath.slice(0, relativePath.lastIndexOf('/')) : '';
  if (lower.endsWith('.txt')) {
    const values = text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    return { wildcards: [{ name: withoutExtension, values }] };
  }
  let data: unknown;
  try {
    data = lower.endsWith('.json') ? JSON.parse(text.replace(/^\uFEFF/, '')) : parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    return { wildcards: [], problem: `not valid ${lower.endsWith('.json') ? 'JSON' : 'YAML'} (${message})` };
  }
  if (Array.isArray(data)) return { wildcards: [{ name: withoutExtension, values: data.map(valueText) }] };
  if (data === null || data === undefined) return { wildcards: [] };
  if (typeof data !== 'object') return { wildcards: [], problem: 'holds neither a list nor a mapping' };
  const wildcards: WildcardFileFacts['wildcards'] = [];
  let problem: string | undefined;
  const visit = (node: unknown, prefix: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      problem = `nested deeper than ${MAX_DEPTH} levels`;
      return;
    }
    if (Array.isArray(node)) {
      wildcards.push({ name: prefix, values: node.map(valueText) });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node as Record<string, unknown>)) visit(child, prefix ? `${prefix}/${key}` : key, depth + 1);
    } else if (node !== null && node !== undefined) {
      wildcards.push({ name: prefix, values: [valueText(node)] });
    }
  };
  visit(data, folder, 0);
  return problem ? { wildcards, problem } : { wildcards };
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
