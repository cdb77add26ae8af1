import type { Rule } from '../../types.js';
import { ambiguousStructure } from './ambiguous-structure.js';
import { badWeight } from './bad-weight.js';
import { emptyGroup } from './empty-group.js';
import { badNumber, strayPipe, unmatchedBracket } from './parser-rules.js';
import { scheduleFallback } from './schedule-fallback.js';
import { unclosedBracket } from './unclosed-bracket.js';
import { unterminatedNetwork } from './unterminated-network.js';

/** The `syntax/…` rules. */
export const syntaxRules: Rule[] = [
  unclosedBracket,
  unmatchedBracket,
  badNumber,
  badWeight,
  strayPipe,
  unterminatedNetwork,
  emptyGroup,
  ambiguousStructure,
  scheduleFallback,
];
