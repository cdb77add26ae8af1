import type { Rule } from '../../types.js';

/** The `lora/…` rules. */
export const loraRules: Rule[] = [];
