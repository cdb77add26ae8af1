/** formatRange: the smallest run of whole prompts and blocks containing a range, reprinted. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, formatRange } from '../../src/format/index.js';
import { sameFileMeaning } from '../../src/format/equivalence.js';
import type { TextEdit } from '../../src/core/diagnostic.js';
import { structuredFile } from './generators.js';

function apply(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.newText + out.slice(edit.end);
  return out;
}

/** The offset of the `<|>` marker, and the text without it. */
function marked(text: string): { text: string; at: number[] } {
  const at: number[] = [];
  let out = '';
  for (const part of text.split('<|>')) {
    if (out !== '' || at.length > 0 || part !== text) at.push(out.length);
    out += part;
  }
  return { text: out, at: at.slice(1) };
}

const doc = '@params\nsteps:30\n\n@prompt a\nx ,y\n@negative\nbad ,worse\n# about b\n@prompt b\n( c ) ,d\n@hires\nscale:2\n';

describe('formatRange', () => {
  it('reprints only the prompt that holds the range', () => {
    const { text, at } = marked(doc.replace('( c )', '( <|>c )'));
    const result = formatRange(text, at[0]!, at[0]!);
    if ('error' in result) throw new Error('unexpected error');
    expect(result.edits).toHaveLength(1);
    const edited = apply(text, result.edits);
    expect(edited).toBe('@params\nsteps:30\n\n@prompt a\nx ,y\n@negative\nbad ,worse\n# about b\n@prompt b\n(c), d\n@hires\nscale: 2\n');
  });

  it('takes every unit the range touches, with the comment written above a prompt', () => {
    const { text, at } = marked(doc.replace('x ,y', 'x <|>,y').replace('( c )', '( c<|> )'));
    const result = formatRange(text, at[0]!, at[1]!);
    if ('error' in result) throw new Error('unexpected error');
    expect(apply(text, result.edits)).toBe('@params\nsteps:30\n\n@prompt a\nx, y\n@negative\nbad, worse\n\n# about b\n@prompt b\n(c), d\n@hires\nscale: 2\n');
  });

  it('returns no edit when the range is already formatted or touches nothing', () => {
    const tidy = '@prompt a\nx, y\n\n\n\n@prompt b\nz\n';
    expect(formatRange(tidy, 2, 4)).toEqual({ edits: [] });
    expect(formatRange(tidy, tidy.indexOf('\n\n') + 1, tidy.indexOf('\n\n') + 2)).toEqual({ edits: [] });
  });

  it('keeps CRLF line endings and a byte order mark outside the edit', () => {
    const text = '\uFEFF@prompt a\r\nx ,y\r\n@negative\r\nz\r\n';
    const result = formatRange(text, 12, 12);
    if ('error' in result) throw new Error('unexpected error');
    expect(apply(text, result.edits)).toBe('\uFEFF@prompt a\r\nx, y\r\n@negative\r\nz\r\n');
    expect(result.edits[0]!.start).toBe(1);
  });

  it('refuses a file with syntax errors', () => {
    const result = formatRange('@prompt a\n(x:1..2)\n', 12, 12);
    expect('error' in result).toBe(true);
  });

  it('keeps the meaning, and full formatting after it gives the same file (1,000 runs)', () => {
    let edited = 0;
    fc.assert(
      fc.property(structuredFile, fc.nat(), fc.nat(), (text, a, b) => {
        const start = a % (text.length + 1);
        const end = b % (text.length + 1);
        const result = formatRange(text, Math.min(start, end), Math.max(start, end));
        const full = format(text);
        if ('error' in result) {
          expect('error' in full).toBe(true);
          return;
        }
        if ('error' in full) throw new Error('formatRange succeeded where format failed');
        if (result.edits.length > 0) edited++;
        const after = apply(text, result.edits);
        expect(sameFileMeaning(text, after, [{ steps: 20 }])).toEqual({ same: true });
        const again = format(after);
        expect('error' in again ? again.error : again.output).toBe(full.output);
      }),
      { numRuns: 1000 },
    );
    expect(edited).toBeGreaterThan(200);
  });
});
