import type { Rule } from '../../types.js';
import { duplicateTag } from './duplicate-tag.js';
import { emptyTag } from './empty-tag.js';
import { lowercaseKeyword } from './lowercase-keyword.js';
import { positiveNegativeOverlap } from './positive-negative-overlap.js';
import { scheduleBeyondSteps } from './schedule-beyond-steps.js';
import { unknownEmbedding } from './unknown-embedding.js';
import { unknownWildcard } from './unknown-wildcard.js';

/** The `prompt/…` rules. */
export const promptRules: Rule[] = [
  duplicateTag,
  positiveNegativeOverlap,
  emptyTag,
  lowercaseKeyword,
  scheduleBeyondSteps,
  unknownEmbedding,
  unknownWildcard,
];
