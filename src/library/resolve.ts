/**
 * How engines turn the name in a prompt into a LoRA file (lora-files.md §7, a1111.md §1).
 *
 * A1111 (extensions-builtin/Lora/networks.py list_available_networks, load_networks):
 *  - files are visited in scan order; `available_networks[stem] = entry` and
 *    `available_network_aliases[stem] = available_network_aliases[alias] = entry` (a later file
 *    overwrites an earlier key);
 *  - before a file is added, an alias already present in the alias table is recorded in
 *    `forbidden_network_aliases` lower-cased; the table starts as `{"none", "Addams"}`;
 *  - a name whose lower case is forbidden is looked up among file stems only, any other name in the
 *    alias table. ("Addams" is stored with a capital A and looked up lower-cased, so in A1111 it
 *    never actually matches: it is kept here exactly that way.)
 * ComfyUI: `lora_name` must equal an entry of `/models/loras` (relative path with extension).
 * stable-diffusion.cpp: a path relative to `--lora-model-dir`, extension optional.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { fileDiagnostic } from './diagnostics.js';
import type { LoraEntry } from './types.js';
import { editDistance } from '../core/edit-distance.js';

export { editDistance };

const MAX_REMEMBERED_SUGGESTIONS = 1000;

/** A1111's initial forbidden aliases (networks.py list_available_networks). */
const INITIAL_FORBIDDEN = ['none', 'Addams'];

export interface Suggestion {
  /** The name to write in the prompt. */
  name: string;
  entry: LoraEntry;
  /** Edit distance from what was written (case differences count 0.5). */
  distance: number;
}

export class LoraNameTable {
  private readonly stems = new Map<string, LoraEntry>();
  private readonly aliases = new Map<string, LoraEntry>();
  private readonly forbidden = new Set<string>(INITIAL_FORBIDDEN);
  private readonly byRelativePath = new Map<string, LoraEntry>();
  private readonly byRelativeStem = new Map<string, LoraEntry>();
  readonly diagnostics: Diagnostic[] = [];

  /** `entries` in A1111 scan order. Sets each entry's `aliasForbidden`. */
  constructor(readonly entries: readonly LoraEntry[]) {
    for (const entry of entries) {
      if (this.aliases.has(entry.alias)) this.forbidden.add(entry.alias.toLowerCase());
      const earlier = this.stems.get(entry.name);
      if (earlier) {
        this.diagnostics.push(fileDiagnostic('library/duplicate-name', 'warning',
          `two LoRAs are named "${entry.name}" (${earlier.relativePath} and ${entry.relativePath}); A1111 uses the last one, ${entry.relativePath}`,
          entry.path ?? entry.relativePath));
      }
      this.stems.set(entry.name, entry);
      this.aliases.set(entry.name, entry);
      this.aliases.set(entry.alias, entry);
      const relative = normalizeRelative(entry.relativePath);
      this.byRelativePath.set(relative, entry);
      this.byRelativeStem.set(relative.replace(/\.[^./]+$/, ''), entry);
    }
    for (const entry of entries) {
      entry.aliasForbidden = this.forbidden.has(entry.alias.toLowerCase());
      if (entry.aliasForbidden && entry.alias !== entry.name) {
        this.diagnostics.push(fileDiagnostic('library/duplicate-alias', 'info',
          `the alias "${entry.alias}" (ss_output_name) of ${entry.relativePath} is taken or reserved; A1111 accepts only its file name "${entry.name}"`,
          entry.path ?? entry.relativePath));
      }
    }
  }

  /** The LoRA A1111 loads for `<lora:NAME…>`, or undefined ("Lora not found"). Case-sensitive, as A1111 is. */
  resolve(name: string): LoraEntry | undefined {
    return this.forbidden.has(name.toLowerCase()) ? this.stems.get(name) : this.aliases.get(name);
  }

  /** The name A1111 writes for this entry in prompts and infotext (network.py get_alias). */
  promptName(entry: LoraEntry): string {
    return this.forbidden.has(entry.alias.toLowerCase()) ? entry.name : entry.alias;
  }

  /** ComfyUI `LoraLoader.lora_name`: the relative path with extension, exactly (`\` and `/` both accepted). */
  resolveComfy(loraName: string): LoraEntry | undefined {
    return this.byRelativePath.get(normalizeRelative(loraName));
  }

  /** stable-diffusion.cpp `<lora:relpath:w>`: relative path, extension optional. */
  resolvePath(relativePath: string): LoraEntry | undefined {
    const normalized = normalizeRelative(relativePath);
    return this.byRelativePath.get(normalized) ?? this.byRelativeStem.get(normalized);
  }

  /** "Did you mean": names that resolve, closest first, within a distance that grows with the length. */
  suggest(name: string, limit = 3): Suggestion[] {
    // The table never changes after construction, and an editor asks again on every keystroke
    // for every unknown name in the document: remember the answers (bounded).
    const key = `${limit}\0${name}`;
    const cached = this.suggestions.get(key);
    if (cached) return cached.slice();
    const computed = this.computeSuggestions(name, limit);
    if (this.suggestions.size >= MAX_REMEMBERED_SUGGESTIONS) this.suggestions.clear();
    this.suggestions.set(key, computed);
    return computed.slice();
  }

  private readonly suggestions = new Map<string, Suggestion[]>();

  private computeSuggestions(name: string, limit: number): Suggestion[] {
    const budget = Math.max(2, Math.floor(name.length / 3));
    const lower = name.toLowerCase();
    const seen = new Set<string>();
    const results: Suggestion[] = [];
    for (const [key, entry] of this.aliases) {
      if (seen.has(key) || this.resolve(key) !== entry) continue;
      seen.add(key);
      const keyLower = key.toLowerCase();
      let distance: number;
      if (keyLower === lower) distance = key === name ? 0 : 0.5;
      else if (keyLower.includes(lower) && lower.length >= 4) distance = 1 + (key.length - name.length) / 100;
      else distance = editDistance(lower, keyLower, budget);
      if (distance <= budget && distance > 0) results.push({ name: key, entry, distance });
    }
    results.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
    return results.slice(0, limit);
  }
}

function normalizeRelative(value: string): string {
  return value.replace(/\\/g, '/').replace(/^\.\//, '');
}

