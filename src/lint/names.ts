/** Edit distance and "did you mean" for rule ids, setting keys, LoRA and parameter names. */
import { editDistance } from '../core/edit-distance.js';

export { editDistance };

/** The closest candidate within a third of the name's length (at least 2 edits), or undefined. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // A key that is a longer or shorter spelling of another (`maximum` for `max`) counts as close.
    const lower = name.toLowerCase();
    const other = candidate.toLowerCase();
    const prefix = Math.min(lower.length, other.length) >= 3 && (lower.startsWith(other) || other.startsWith(lower));
    const distance = prefix ? 1 : editDistance(name, candidate, limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
