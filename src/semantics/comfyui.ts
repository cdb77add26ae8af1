/**
 * ComfyUI's own prompt-weight parser (comfy/sd1_clip.py `escape_important`, `parse_parentheses`,
 * `token_weights`, `unescape_important`), reproduced rule for rule, with source offsets so tools can map
 * weighted text back to the prompt:
 * - `\(` and `\)` are protected first, then restored after parsing;
 * - only `(` `)` group (no `[]`, no schedules, no AND, no BREAK); `(x)` multiplies by 1.1;
 * - `(x:w)` takes the text after the LAST `:` as the weight when Python's float() accepts it, else the
 *   colon stays text and the group keeps ×1.1;
 * - an unmatched `)` stays text and leaves the nesting count negative, so later groups are not seen until
 *   it balances again; an unclosed `(` keeps its text, with the `(`, as plain text.
 */

/** One weighted piece of text with the prompt offset of each of its UTF-16 units. */
export interface ComfyWeightedText {
  text: string;
  weight: number;
  origins: number[];
}

interface Item {
  text: string;
  origins: number[];
}

/** escape_important: `\)` → "\0\1", `\(` → "\0\2" (same length, so offsets are unchanged). */
function escapeImportant(text: string): string {
  return text.replaceAll('\\)', '\0\u0001').replaceAll('\\(', '\0\u0002');
}

/** unescape_important: "\0\1" → `)`, "\0\2" → `(`; the character keeps the backslash's offset. */
function unescapeImportant(item: Item): Item {
  if (!item.text.includes('\0')) return item;
  let text = '';
  const origins: number[] = [];
  for (let i = 0; i < item.text.length; i++) {
    const next = item.text[i + 1];
    if (item.text[i] === '\0' && (next === '\u0001' || next === '\u0002')) {
      text += next === '\u0001' ? ')' : '(';
      origins.push(item.origins[i]!);
      i++;
    } else {
      text += item.text[i];
      origins.push(item.origins[i]!);
    }
  }
  return { text, origins };
}

/** parse_parentheses: splits top-level text from balanced `(…)` groups. */
function parseParentheses(item: Item): Item[] {
  const result: Item[] = [];
  let current: Item = { text: '', origins: [] };
  let nesting = 0;
  const push = (char: string, origin: number): void => {
    current.text += char;
    current.origins.push(origin);
  };
  for (let i = 0; i < item.text.length; i++) {
    const char = item.text[i]!;
    const origin = item.origins[i]!;
    if (char === '(') {
      if (nesting === 0) {
        if (current.text !== '') result.push(current);
        current = { text: '', origins: [] };
      }
      push(char, origin);
      nesting++;
    } else if (char === ')') {
      nesting--;
      if (nesting === 0) {
        push(char, origin);
        result.push(current);
        current = { text: '', origins: [] };
      } else {
        push(char, origin);
      }
    } else {
      push(char, origin);
    }
  }
  if (current.text !== '') result.push(current);
  return result;
}

/** Python float() on a str: surrounding whitespace, `_` between digits, inf/nan; undefined if it raises. */
export function pythonFloat(text: string): number | undefined {
  const trimmed = text.replace(/^[\s\u001c-\u001f]+|[\s\u001c-\u001f]+$/gu, '');
  const digits = '\\d(?:_?\\d)*';
  const number = new RegExp(`^[+-]?(?:(?:${digits})?\\.${digits}|${digits}\\.?)(?:[eE][+-]?${digits})?$`);
  if (number.test(trimmed)) return Number(trimmed.replaceAll('_', ''));
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(trimmed);
  if (special === null) return undefined;
  if (special[2]!.toLowerCase() === 'nan') return NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

function tokenWeights(item: Item, currentWeight: number): ComfyWeightedText[] {
  const out: ComfyWeightedText[] = [];
  for (const part of parseParentheses(item)) {
    if (part.text.length >= 2 && part.text.startsWith('(') && part.text.endsWith(')')) {
      let inner: Item = { text: part.text.slice(1, -1), origins: part.origins.slice(1, -1) };
      let weight = currentWeight * 1.1;
      const colon = inner.text.lastIndexOf(':');
      if (colon > 0) {
        const parsed = pythonFloat(inner.text.slice(colon + 1));
        if (parsed !== undefined) {
          weight = parsed;
          inner = { text: inner.text.slice(0, colon), origins: inner.origins.slice(0, colon) };
        }
      }
      out.push(...tokenWeights(inner, weight));
    } else {
      out.push({ text: part.text, weight: currentWeight, origins: part.origins });
    }
  }
  return out;
}

/**
 * ComfyUI's weighted segments of a prompt (`token_weights(escape_important(text), 1.0)` with each segment
 * unescaped), with source offsets.
 */
export function comfyWeightedSegments(text: string): ComfyWeightedText[] {
  const origins = Array.from({ length: text.length }, (_, i) => i);
  return tokenWeights({ text: escapeImportant(text), origins }, 1.0).map((segment) => {
    const unescaped = unescapeImportant(segment);
    return { text: unescaped.text, weight: segment.weight, origins: unescaped.origins };
  });
}

/** ComfyUI's `(text, weight)` pairs for a prompt, as sd1_clip.py's tokenizer sees them. */
export function comfyTokenWeights(text: string): Array<[string, number]> {
  return comfyWeightedSegments(text).map((segment) => [segment.text, segment.weight]);
}
