import type { Rule } from '../../types.js';
import { chunkBoundary } from './chunk-boundary.js';
import { tooManyChunks } from './too-many-chunks.js';

/** The `tokens/…` rules. */
export const tokenRules: Rule[] = [chunkBoundary, tooManyChunks];
