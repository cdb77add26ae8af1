/**
 * An in-memory LintLibrary built from a few names: what rule examples (and so the generated docs
 * and their tests) run against, and a handy stand-in for tools that know their LoRAs already.
 */
import { editDistance } from './names.js';
import type { ExampleLibrary, LintLibrary, LintLora } from './types.js';

export function exampleLibrary(spec: ExampleLibrary): LintLibrary {
  const loras = new Map<string, LintLora>();
  for (const lora of spec.loras ?? []) {
    loras.set(lora.name.toLowerCase(), { name: lora.name, triggerWords: lora.triggerWords ?? [], ...(lora.family ? { family: lora.family } : {}) });
  }
  const embeddings = new Set((spec.embeddings ?? []).map((name) => name.toLowerCase()));
  const wildcards = new Set(spec.wildcards ?? []);
  const checkpoints = new Map((spec.checkpoints ?? []).map((checkpoint) => [checkpoint.name.toLowerCase(), checkpoint.family]));
  return {
    resolveLora: (name) => loras.get(name.toLowerCase()),
    suggestLora: (name) =>
      [...loras.values()]
        .map((lora) => ({ name: lora.name, distance: editDistance(name, lora.name, 3) }))
        .filter((candidate) => candidate.distance <= 3)
        .sort((a, b) => a.distance - b.distance)
        .map((candidate) => candidate.name),
    hasEmbedding: (name) => embeddings.has(name.toLowerCase()),
    hasWildcard: (name) => wildcards.has(name),
    checkpointFamily: (name) => checkpoints.get(name.toLowerCase()),
    indexesEmbeddings: embeddings.size > 0,
    indexesWildcards: wildcards.size > 0,
  };
}
