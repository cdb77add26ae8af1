import type { Rule } from '../../types.js';

/** The `prompt/…` rules. */
export const promptRules: Rule[] = [];
