import type { Rule } from '../../types.js';
import { deepNesting } from './deep-nesting.js';
import { emptyEmphasis } from './empty.js';
import { extremeWeight } from './extreme-weight.js';

/** The `emphasis/…` rules. */
export const emphasisRules: Rule[] = [extremeWeight, deepNesting, emptyEmphasis];
