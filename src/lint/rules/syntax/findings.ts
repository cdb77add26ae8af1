/**
 * The A1111 schedule-parse findings of a resolved prompt, computed once per prompt for the rules that
 * read them (syntax/ambiguous, syntax/schedule-fallback). They come from conditionFindings, not the
 * full lazy `a1111` model: the rules need no schedule steps or attention lists, and building those
 * for every prompt of every file was the largest single cost of a lint run.
 */
import { conditionFindings, type A1111Findings } from '../../../semantics/a1111/index.js';
import type { ResolvedPrompt } from '../../../semantics/model.js';

const cache = new WeakMap<ResolvedPrompt, A1111Findings>();

export function a1111Findings(resolved: ResolvedPrompt): A1111Findings {
  let findings = cache.get(resolved);
  if (!findings) {
    findings = conditionFindings(resolved.text);
    cache.set(resolved, findings);
  }
  return findings;
}
