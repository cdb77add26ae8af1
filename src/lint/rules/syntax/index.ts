import type { Rule } from '../../types.js';
import { ambiguousStructure } from './ambiguous-structure.js';
import { badWeight } from './bad-weight.js';
import { emptyGroup } from './empty-group.js';
import { scheduleFallback } from './schedule-fallback.js';
import { unbalancedBracket } from './unbalanced-bracket.js';
import { unterminatedNetwork } from './unterminated-network.js';

/** The `syntax/…` rules. */
export const syntaxRules: Rule[] = [unbalancedBracket, badWeight, unterminatedNetwork, emptyGroup, ambiguousStructure, scheduleFallback];
