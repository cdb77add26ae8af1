import type { Rule } from '../../types.js';

/** The `emphasis/…` rules. */
export const emphasisRules: Rule[] = [];
