import type { Rule } from '../../types.js';

/** The `syntax/…` rules. */
export const syntaxRules: Rule[] = [];
