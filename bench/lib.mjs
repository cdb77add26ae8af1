// Helpers the benchmarks share: deterministic input generation and simple statistics.

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same text. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words of the seed's architecture prompts, for generated prompt files. */
export const words = ['house', 'family', 'modern', 'roof', 'garden', 'window', 'facade', 'timber', 'concrete', 'light', 'section plan',
  'JL_section plan', 'floor plan', 'staircase', 'terrace', 'detailed', 'pencil', 'watercolor', 'sketch', 'architecture'];

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
