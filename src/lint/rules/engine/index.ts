import type { Rule } from '../../types.js';
import { andSemantics } from './and-semantics.js';
import { loraArguments } from './lora-arguments.js';
import { unsupportedConstruct } from './unsupported-construct.js';
import { unsupportedNetwork } from './unsupported-network.js';
import { unwritableText } from './unwritable-text.js';

/**
 * The `engine/…` rules: constructs the target engine cannot express faithfully. They report the
 * compiler's own lowering notes (src/compile), so lint and compile always agree.
 * Sampler names are checked by `parameters/engine-values`.
 */
export const engineRules: Rule[] = [andSemantics, unsupportedConstruct, loraArguments, unsupportedNetwork, unwritableText];
