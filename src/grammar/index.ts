/** The grammar stage: `.sdprompt` documents and A1111 prompt text → AST with syntax diagnostics. */
export { parse, detectForm, documentLines, type ParseOptions, type ParseResult } from './parse.js';
export { parsePromptText } from './prompt-text.js';
export { LineIndex, SourceRange, plainRange } from './line-index.js';
export { textIndexOf } from './source-map.js';
export { KNOWN_NETWORK_TYPES, unescapePromptText } from './prompt-ast.js';
export { DIRECTIVES, type DirectiveName } from './structured.js';
export { closestName, editDistance } from './did-you-mean.js';
export type * from './ast.js';
