import type { Rule } from '../../types.js';

/** The `parameters/…` rules. */
export const parameterRules: Rule[] = [];
