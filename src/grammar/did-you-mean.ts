/**
 * "Did you mean" for names typed by hand (directives, parameter keys, samplers, fragment names).
 */
import { editDistance } from '../core/edit-distance.js';

export { editDistance };

/** The closest candidate within a third of the word's length (at least 1, at most 3 edits). */
export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate, limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
