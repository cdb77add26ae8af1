/**
 * Test-wide setup. Parser ranges are `SourceRange`s, whose positions are computed when read (see
 * src/grammar/line-index.ts); deep equality compares them as the plain `{start, end}` they stand for,
 * so an expectation may be written with plain objects, and two ranges are equal when their positions are.
 */
import { expect } from 'vitest';
import { SourceRange, plainRange } from '../../src/grammar/line-index.js';

expect.addEqualityTesters([
  function sourceRangeEquality(this: { equals(a: unknown, b: unknown, testers?: unknown[]): boolean }, a: unknown, b: unknown, testers: unknown[]) {
    const aIsRange = a instanceof SourceRange;
    const bIsRange = b instanceof SourceRange;
    if (!aIsRange && !bIsRange) return undefined;
    return this.equals(aIsRange ? plainRange(a) : a, bIsRange ? plainRange(b) : b, testers);
  },
]);
