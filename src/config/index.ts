/** Configuration: discovery, validation and per-file resolution (shared by the CLI and the language server). */
export { ConfigLoader, CONFIG_FILE_NAME, parseJsonFile, hasConfigIn, isIgnoredBy, type ConfigLoaderOptions } from './load.js';
export { ConfigValidator } from './validate.js';
export { buildConfigSchema, ENGINE_KINDS, SCHEMA_ID } from './schema.js';
export * from './types.js';
export { ConfiguredLibraries, hasLibrarySettings, openLibraryFromSettings } from './library.js';
