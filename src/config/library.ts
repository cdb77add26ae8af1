/**
 * The LoRA library a configuration names (its `library` section), opened the same way for every
 * command that reads configuration: `lint`, `compile` and `render`. Each distinct section is opened
 * and scanned once per run (a run over many files shares it), with the library's persistent index,
 * so the commands see the same LoRAs, embeddings and checkpoints and reuse the same index file.
 */
import type { LoraLibrary } from '../library/index.js';
import { ConfigError, type LibrarySettings, type ResolvedConfig } from './types.js';

/** Whether the settings name any source at all (without one there is no library to open). */
export function hasLibrarySettings(settings: LibrarySettings): boolean {
  return Boolean(
    settings.loraDirs?.length ||
      settings.embeddingDirs?.length ||
      settings.wildcardDirs?.length ||
      settings.checkpointDirs?.length ||
      settings.a1111Root ||
      settings.comfyuiRoot ||
      settings.engineUrl,
  );
}

/**
 * Opens and scans the library the settings describe (paths already absolute, as ResolvedConfig has
 * them). The persistent index lives in the default cache folder (SDPROMPT_CACHE_DIR, else
 * XDG_CACHE_HOME/sdprompt, else ~/.cache/sdprompt, read from `env`). `problems` are the scan's
 * diagnostics as `file: message` lines (a broken LoRA file, a missing folder).
 */
export async function openLibraryFromSettings(
  settings: LibrarySettings,
  env: Record<string, string | undefined>,
): Promise<{ library: LoraLibrary; problems: string[] }> {
  const { createLibrary } = await import('../library/index.js');
  const library = createLibrary({
    ...(settings.loraDirs ? { loraDirs: settings.loraDirs } : {}),
    ...(settings.embeddingDirs ? { embeddingDirs: settings.embeddingDirs } : {}),
    ...(settings.wildcardDirs ? { wildcardDirs: settings.wildcardDirs } : {}),
    ...(settings.checkpointDirs ? { checkpointDirs: settings.checkpointDirs } : {}),
    ...(settings.a1111Root ? { a1111Root: settings.a1111Root } : {}),
    ...(settings.comfyuiRoot ? { comfyuiRoot: settings.comfyuiRoot } : {}),
    ...(settings.engineUrl ? { engines: [settings.engineUrl] } : {}),
    env,
  });
  const scan = await library.scan();
  const problems = (scan.diagnostics ?? []).map((diagnostic) => `${diagnostic.file ?? 'library'}: ${diagnostic.message}`);
  return { library, problems };
}

/** More library problems than this become one "N more" note (`sdprompt loras` lists them all). */
const NOTED_PROBLEMS = 5;

/**
 * The libraries of the configurations met in one run, each opened once, seen through `view` (the
 * linter's LintLibrary, the compiler's name resolvers). Library problems are collected in `notes`
 * (for stderr, each once); a library that cannot be opened rejects with a ConfigError naming the
 * config file that configured it.
 */
export class ConfiguredLibraries<View> {
  private readonly opened = new Map<string, Promise<View>>();
  readonly notes: string[] = [];

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly view: (library: LoraLibrary) => View,
  ) {}

  /** The library of a resolved configuration, or undefined when its `library` section names nothing. */
  for(config: Pick<ResolvedConfig, 'library' | 'sources'>): Promise<View> | undefined {
    if (!hasLibrarySettings(config.library)) return undefined;
    const key = JSON.stringify(config.library);
    let library = this.opened.get(key);
    if (!library) {
      library = openLibraryFromSettings(config.library, this.env).then(
        ({ library: opened, problems }) => {
          for (const problem of problems.slice(0, NOTED_PROBLEMS)) this.notes.push(`library: ${problem}`);
          if (problems.length > NOTED_PROBLEMS) this.notes.push(`library: ${problems.length - NOTED_PROBLEMS} more problems (run "sdprompt loras" for details)`);
          return this.view(opened);
        },
        (error: Error) => {
          throw new ConfigError(`cannot open the LoRA library configured in ${config.sources.at(-1) ?? 'the configuration'}: ${error.message}`);
        },
      );
      this.opened.set(key, library);
    }
    return library;
  }
}
