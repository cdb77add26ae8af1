/** Unit tables for the server's pure parts: tag CSV and index, settings, minimal edits, markers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTagCsv, TagIndex, tagInsertText } from '../../src/lsp/features/tag-index.js';
import { minimalEdit } from '../../src/lsp/positions.js';
import { normalizeSettings } from '../../src/lsp/settings.js';
import { parseMarkers } from './harness.js';

describe('tag CSV (tagcomplete format)', () => {
  it.each([
    ['1girl,0,4114588,"1girls,sole_female"', { name: '1girl', type: 0, count: 4114588, aliases: ['1girls', 'sole_female'] }],
    ['hatsune_miku,4,90000,', { name: 'hatsune_miku', type: 4, count: 90000, aliases: [] }],
    ['house', { name: 'house', type: 0, count: 0, aliases: [] }],
    ['masterpiece,5,Quality tag,,', { name: 'masterpiece', type: 5, count: 0, aliases: [], meta: 'Quality tag' }],
    ['"quoted,name",1,10,"a ""b"""', { name: 'quoted,name', type: 1, count: 10, aliases: ['a "b"'] }],
  ])('%s', (line, expected) => {
    expect(parseTagCsv(line).tags).toEqual([expected]);
  });

  it('skips blank lines, counts malformed ones, accepts CRLF', () => {
    const { tags, skipped } = parseTagCsv('a,0,1,\r\n\r\n,0,5,\r\nb,0,2,\r\n');
    expect(tags.map((tag) => tag.name)).toEqual(['a', 'b']);
    expect(skipped).toBe(1);
  });
});

describe('tag index', () => {
  const index = new TagIndex(parseTagCsv(['long_hair,0,1500,"longhair"', 'long_sleeves,0,900,', 'hair_ornament,0,1200,', 'short_hair,0,1400,', 'hairband,0,100,'].join('\n')).tags);

  it('ranks name prefixes before later-word matches, then by post count', () => {
    expect(index.search('hair', 10).matches.map((m) => `${m.tag.name}:${m.kind}`)).toEqual(['hair_ornament:name', 'hairband:name', 'long_hair:word', 'short_hair:word']);
  });

  it('matches spaces as underscores and aliases', () => {
    expect(index.search('long h', 10).matches.map((m) => m.tag.name)).toEqual(['long_hair']);
    expect(index.search('longh', 10).matches).toEqual([expect.objectContaining({ kind: 'alias', alias: 'longhair' })]);
  });

  it('reports the total so callers know the list is cut', () => {
    const { matches, total } = index.search('l', 1);
    expect(matches).toHaveLength(1);
    expect(total).toBe(2);
  });

  it('agrees with a linear scan on random lists (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-c_]{1,6}$/), { minLength: 1, maxLength: 40 }), fc.stringMatching(/^[a-c]{1,2}$/), (names, query) => {
        const tags = [...new Set(names)].map((name, i) => ({ name, type: 0, count: i, aliases: [] }));
        const found = new TagIndex(tags).search(query, 1000).matches.map((m) => m.tag.name).sort();
        const expected = tags.filter((tag) => tag.name.startsWith(query) || tag.name.split('_').slice(1).some((word) => word.startsWith(query))).map((tag) => tag.name).sort();
        expect(found).toEqual(expected);
      }),
    );
  });

  it.each([
    ['long_hair', 'long hair'],
    ['hatsune_miku_(cosplay)', 'hatsune miku \\(cosplay\\)'],
    ['^_^', '^_^'],
  ])('inserts %s as %s', (name, expected) => expect(tagInsertText(name)).toBe(expected));
});

describe('settings', () => {
  it('keeps valid values and reports wrong types without failing', () => {
    const { settings, problems } = normalizeSettings({
      loraFolders: ['/a', ''],
      tagFiles: '/tags.csv',
      engineUrl: 5,
      diagnosticsDelayMs: -3,
      inlayHints: { weights: false },
      rules: { 'lora/unknown': 'error' },
    });
    expect(settings.loraFolders).toEqual(['/a']);
    expect(settings.tagFiles).toEqual(['/tags.csv']);
    expect(settings.engineUrl).toBeUndefined();
    expect(settings.diagnosticsDelayMs).toBe(0);
    expect(settings.inlayHints).toEqual({ weights: false, chunks: true });
    expect(settings.rules).toEqual({ 'lora/unknown': 'error' });
    expect(problems.sort()).toEqual(['sdprompt.diagnosticsDelayMs must be a number from 0 to 5000', 'sdprompt.engineUrl must be a string']);
  });

  it.each([null, undefined, 'x', [1]])('falls back to defaults for %j', (raw) => {
    expect(normalizeSettings(raw).settings.loraFolders).toEqual([]);
  });
});

describe('minimal edits', () => {
  it('turns before into after (property), never splitting a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (before, after) => {
        const edit = minimalEdit(before, after);
        const result = edit ? before.slice(0, edit.start) + edit.newText + before.slice(edit.end) : before;
        expect(result).toBe(after);
        if (edit) expect(/^[\udc00-\udfff]/.test(edit.newText) || /[\ud800-\udbff]$/.test(before.slice(0, edit.start))).toBe(false);
      }),
    );
  });
});

describe('test markers', () => {
  it('finds cursors and ranges', () => {
    expect(parseMarkers('a <|>house <|big|> x')).toEqual({ text: 'a house big x', cursors: [2], ranges: [[8, 11]] });
  });
});
