/**
 * The linter's views of the LoRA library (src/library) and of the tokenizer (src/tokenizer), and
 * how the CLI opens them from configuration. Both are optional: without them the rules that need
 * them are skipped (one note per run says how to configure them).
 */
import { openLibraryFromSettings } from '../config/library.js';
import type { LibrarySettings, TokenizerSettings } from '../config/types.js';
import type { LoraLibrary } from '../library/index.js';
import type { LintLibrary, LintTokenizer } from './types.js';

/** Trigger words the linter insists on: every source but `ss_tag_frequency`, which is only a guess. */
function triggerWordsOf(entry: { triggerWords: ReadonlyArray<{ text: string; sources: readonly string[] }> }): string[] {
  return entry.triggerWords.filter((word) => word.sources.some((source) => source !== 'tag-frequency')).map((word) => word.text);
}

export function lintLibraryFrom(library: LoraLibrary): LintLibrary {
  return {
    resolveLora(name) {
      const entry = library.resolveLora(name);
      if (!entry) return undefined;
      return {
        name: library.promptName(entry),
        triggerWords: triggerWordsOf(entry),
        ...(entry.baseModel && entry.baseModel !== 'unknown' ? { family: entry.baseModel } : {}),
      };
    },
    suggestLora: (name) => library.suggestLora(name, 3).map((suggestion) => suggestion.name),
    hasEmbedding: (name) => library.resolveEmbedding(name) !== undefined,
    hasWildcard: (name) => library.resolveWildcard(name) !== undefined || library.matchWildcards(name).length > 0,
    checkpointFamily: (name) => {
      const family = library.resolveCheckpoint(name)?.baseModel;
      return family && family !== 'unknown' ? family : undefined;
    },
    get indexesEmbeddings() {
      return library.embeddings.length > 0;
    },
    get indexesWildcards() {
      return library.wildcards.length > 0;
    },
  };
}

export { hasLibrarySettings } from '../config/library.js';

/** Opens and scans the library the configuration describes (paths are already absolute); src/config/library.ts. */
export async function openLibrary(settings: LibrarySettings, env: NodeJS.ProcessEnv): Promise<{ library: LintLibrary; problems: string[] }> {
  const { library, problems } = await openLibraryFromSettings(settings, env);
  return { library: lintLibraryFrom(library), problems };
}

/**
 * A tokenizer only when one is configured (`tokenizer.vocab` or SDPROMPT_CLIP_VOCAB): loading a
 * vocabulary costs more than linting a file, so it is never searched for implicitly.
 */
export async function openTokenizer(settings: TokenizerSettings, env: NodeJS.ProcessEnv, cwd: string): Promise<LintTokenizer | undefined> {
  const explicit = settings.vocab ?? (env.SDPROMPT_CLIP_VOCAB || undefined);
  if (!explicit) return undefined;
  const { discoverVocabulary, ClipTokenizer, PromptTokenCounter } = await import('../tokenizer/index.js');
  const found = discoverVocabulary({ explicitPath: explicit, env, cwd });
  if (!found.vocabulary) return undefined;
  return new PromptTokenCounter(new ClipTokenizer(found.vocabulary));
}
