/**
 * Text that remembers where each of its UTF-16 units came from, so that tokens produced after cleaning
 * (entity decoding, width folding, whitespace collapsing, lower-casing, NFC) still point at the prompt
 * text the user wrote. Replaced spans inherit the offset where their source span started.
 */
export interface MappedText {
  readonly text: string;
  /** Source offset of each UTF-16 unit of `text`. */
  readonly origins: readonly number[];
}

export function identityMapped(text: string, origins?: readonly number[]): MappedText {
  if (origins !== undefined) return { text, origins };
  const identity = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) identity[i] = i;
  return { text, origins: identity };
}

/** Replaces every match of a global regex; the replacement's units take the match start's origin. */
export function replaceMapped(input: MappedText, pattern: RegExp, replace: (match: string) => string): MappedText {
  pattern.lastIndex = 0;
  if (!pattern.test(input.text)) return input;
  pattern.lastIndex = 0;
  let text = '';
  const origins: number[] = [];
  let last = 0;
  for (let match = pattern.exec(input.text); match !== null; match = pattern.exec(input.text)) {
    if (match[0] === '') {
      pattern.lastIndex++;
      continue;
    }
    const start = match.index;
    text += input.text.slice(last, start);
    for (let i = last; i < start; i++) origins.push(input.origins[i]!);
    const replacement = replace(match[0]);
    text += replacement;
    const origin = input.origins[start]!;
    for (let i = 0; i < replacement.length; i++) origins.push(origin);
    last = start + match[0].length;
  }
  text += input.text.slice(last);
  for (let i = last; i < input.text.length; i++) origins.push(input.origins[i]!);
  return { text, origins };
}

/** Keeps units [start, end). */
export function sliceMapped(input: MappedText, start: number, end: number = input.text.length): MappedText {
  if (start === 0 && end === input.text.length) return input;
  return { text: input.text.slice(start, end), origins: input.origins.slice(start, end) };
}

/** Concatenates pieces of mapped text. */
export function joinMapped(parts: readonly MappedText[]): MappedText {
  if (parts.length === 1) return parts[0]!;
  let text = '';
  const origins: number[] = [];
  for (const part of parts) {
    text += part.text;
    for (const origin of part.origins) origins.push(origin);
  }
  return { text, origins };
}

/**
 * Lower-cases as Python `str.lower()` / JS `toLowerCase()` do, including the context-dependent final
 * sigma (Σ → ς at the end of a word), then aligns origins code point by code point: context only ever
 * chooses between σ and ς, so each code point's expansion length is that of its own lower-case form
 * (İ → i̇ is two units).
 */
export function lowerMapped(input: MappedText): MappedText {
  const lowered = input.text.toLowerCase();
  if (lowered.length === input.text.length) return { text: lowered, origins: input.origins };
  const origins: number[] = [];
  let index = 0;
  for (const char of input.text) {
    const length = char.toLowerCase().length;
    const origin = input.origins[index]!;
    for (let i = 0; i < length; i++) origins.push(origin);
    index += char.length;
  }
  return { text: lowered, origins };
}

/** Maps each code point through `map` (undefined keeps it). */
export function mapCodePoints(input: MappedText, map: (char: string) => string | undefined): MappedText {
  let text = '';
  const origins: number[] = [];
  let index = 0;
  for (const char of input.text) {
    const replacement = map(char) ?? char;
    text += replacement;
    const origin = input.origins[index]!;
    for (let i = 0; i < replacement.length; i++) origins.push(origin);
    index += char.length;
  }
  return { text, origins };
}

/**
 * Unicode normalization that keeps origins: each starter with its following marks is normalized on its
 * own, which equals normalizing the whole text except where starters compose with each other (Hangul
 * jamo); then the whole result takes the origins of its first unit (rare, and still within the span).
 */
export function normalizeMapped(input: MappedText, form: 'NFC' | 'NFKC' = 'NFC'): MappedText {
  const whole = input.text.normalize(form);
  if (whole === input.text) return input;
  const clusters = input.text.match(/[^\p{M}\u1160-\u11ff][\p{M}\u1160-\u11ff]*|[\p{M}\u1160-\u11ff]+/gsu) ?? [];
  let text = '';
  const origins: number[] = [];
  let index = 0;
  for (const cluster of clusters) {
    const normalized = cluster.normalize(form);
    text += normalized;
    const origin = input.origins[index]!;
    for (let i = 0; i < normalized.length; i++) origins.push(origin);
    index += cluster.length;
  }
  if (text === whole) return { text, origins };
  const start = input.origins[0] ?? 0;
  return { text: whole, origins: new Array<number>(whole.length).fill(start) };
}
