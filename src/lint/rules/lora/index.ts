import type { Rule } from '../../types.js';
import { duplicateLora } from './duplicate.js';
import { familyMismatch } from './family-mismatch.js';
import { loraInNegative } from './in-negative.js';
import { malformedWeight } from './malformed-weight.js';
import { missingTrigger } from './missing-trigger.js';
import { missingWeight } from './missing-weight.js';
import { shorthand } from './shorthand.js';
import { totalWeight } from './total-weight.js';
import { unknownLora } from './unknown.js';
import { weightRange } from './weight-range.js';

/** The `lora/…` rules. */
export const loraRules: Rule[] = [
  shorthand,
  unknownLora,
  malformedWeight,
  weightRange,
  missingTrigger,
  duplicateLora,
  totalWeight,
  loraInNegative,
  familyMismatch,
  missingWeight,
];
