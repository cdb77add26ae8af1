import type { Rule } from '../../types.js';
import { engineValues } from './engine-values.js';
import { sizeMultiple } from './size-multiple.js';

/** The `parameters/…` rules. */
export const parameterRules: Rule[] = [engineValues, sizeMultiple];
