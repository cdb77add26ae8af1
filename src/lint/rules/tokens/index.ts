import type { Rule } from '../../types.js';

/** The `tokens/…` rules. */
export const tokenRules: Rule[] = [];
