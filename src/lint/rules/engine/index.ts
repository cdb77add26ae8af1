import type { Rule } from '../../types.js';

/**
 * The `engine/…` rules: constructs the target engine cannot express faithfully. Written by the
 * compiler (src/compile) with this framework: add each rule module here.
 */
export const engineRules: Rule[] = [];
