import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTagFrequency } from '../../src/library/tag-frequency.js';

/** The plain definition: sum per trimmed tag over folders, sort by count then name, keep `limit`. */
function reference(folders: Record<string, Record<string, number>>, limit: number) {
  const totals = new Map<string, number>();
  for (const tags of Object.values(folders)) {
    for (const [tag, count] of Object.entries(tags)) {
      const name = tag.trim();
      if (name) totals.set(name, (totals.get(name) ?? 0) + count);
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([tag, count]) => ({ tag, count }));
}

describe('ss_tag_frequency', () => {
  it('sums across folders and orders by count, then name', () => {
    const value = JSON.stringify({ '10_a': { x: 3, y: 5, ' z ': 1 }, '5_b': { x: 4, w: 5 } });
    expect(parseTagFrequency(value)).toEqual([{ tag: 'x', count: 7 }, { tag: 'w', count: 5 }, { tag: 'y', count: 5 }, { tag: 'z', count: 1 }]);
  });

  it.each([
    ['', []],
    ['not json', []],
    ['{}', []],
    ['{"d": {}}', []],
    ['{"d": {"a\\"b": 2, "c\\u00e9": 1}}', [{ tag: 'a"b', count: 2 }, { tag: 'cé', count: 1 }]],
    [' { "d" : { "a" : 1.5 , "b":2e1 } } ', [{ tag: 'b', count: 20 }, { tag: 'a', count: 1.5 }]],
    ['{"d": {"a": "3"}}', []],
  ])('%j', (value, expected) => {
    expect(parseTagFrequency(value)).toEqual(expected);
  });

  it('matches the plain definition on generated lists (one folder and several)', () => {
    const tags = fc.dictionary(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 50 }), { maxKeys: 80 });
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), tags, { minKeys: 1, maxKeys: 3 }), fc.integer({ min: 1, max: 10 }),
      (folders, limit) => {
        // Names that collide only after trimming are summed by both; keep generated names distinct after trimming.
        for (const folder of Object.values(folders)) {
          const seen = new Set<string>();
          for (const tag of Object.keys(folder)) {
            if (seen.has(tag.trim())) delete folder[tag];
            seen.add(tag.trim());
          }
        }
        expect(parseTagFrequency(JSON.stringify(folders), limit)).toEqual(reference(folders, limit));
      }), { numRuns: 300 });
  });

  it('matches it when folders share tags (the pruning bound must hold), including escaped and non-ASCII names', () => {
    const names = ['a', 'b', 'c', 'dd', 'e e', 'q"uote', 'back\\slash', 'é', 'ü x', 'tab\tin', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6'];
    const folder = fc.dictionary(fc.constantFrom(...names), fc.integer({ min: 0, max: 30 }), { maxKeys: names.length });
    fc.assert(fc.property(fc.array(folder, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 5 }), (list, limit) => {
      const folders = Object.fromEntries(list.map((tags, i) => [`${i + 1}_set`, tags]));
      expect(parseTagFrequency(JSON.stringify(folders), limit)).toEqual(reference(folders, limit));
    }), { numRuns: 500 });
  });
});
