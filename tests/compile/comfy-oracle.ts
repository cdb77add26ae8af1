/**
 * Test oracle: ComfyUI's prompt weight rules (comfy/sd1_clip.py escape_important,
 * parse_parentheses, token_weights) as described in engine-syntaxes.md §1, written independently
 * of the compiler so the fidelity test checks the emitted text against ComfyUI's reading of it.
 * Returns per-character weights of the text the tokenizer finally sees.
 */
const ESC_CLOSE = '\u0000\u0001';
const ESC_OPEN = '\u0000\u0002';

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (const c of text) {
    if (c === '(') {
      if (depth === 0) {
        if (current) parts.push(current);
        current = '(';
      } else current += c;
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) {
        parts.push(current + ')');
        current = '';
      } else current += c;
    } else current += c;
  }
  if (current) parts.push(current);
  return parts;
}

function weights(text: string, current: number): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let part of splitTopLevel(text)) {
    if (part.length >= 2 && part.startsWith('(') && part.endsWith(')')) {
      part = part.slice(1, -1);
      let weight = current * 1.1;
      const colon = part.lastIndexOf(':');
      if (colon > 0) {
        const suffix = part.slice(colon + 1).trim();
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(suffix)) {
          weight = Number(suffix);
          part = part.slice(0, colon);
        }
      }
      out.push(...weights(part, weight));
    } else out.push([part, current]);
  }
  return out;
}

export function comfyTokenWeightsOracle(text: string): Array<[string, number]> {
  const escaped = text.replaceAll('\\)', ESC_CLOSE).replaceAll('\\(', ESC_OPEN);
  return weights(escaped, 1).map(([t, w]) => [t.replaceAll(ESC_CLOSE, ')').replaceAll(ESC_OPEN, '('), w]);
}

/** Per-character weights, dropping whitespace (ComfyUI and A1111 split words on it). */
export function charWeights(pairs: Array<[string, number]>): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [text, weight] of pairs) for (const c of text) if (!/\s/.test(c)) out.push([c, weight]);
  return out;
}
