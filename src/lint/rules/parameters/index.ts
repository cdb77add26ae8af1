import type { Rule } from '../../types.js';
import { engineValues } from './engine-values.js';

/** The `parameters/…` rules (the analyzer's own checks report as `params/…`). */
export const parameterRules: Rule[] = [engineValues];
