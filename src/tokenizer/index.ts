/**
 * The CLIP tokenizer stage: exact BPE with the a1111/comfyui/openai front-ends, vocabulary discovery,
 * and the chunking of A1111 and ComfyUI (docs/tokenizer.md).
 */
export { ClipTokenizer, type EncodedText, type TokenizerOptions } from './tokenizer.js';
export { FRONT_ENDS, type FrontEnd } from './frontEnds.js';
export {
  COMMA_TOKEN,
  END_OF_TEXT,
  MERGE_COUNT,
  START_OF_TEXT,
  VOCABULARY_SIZE,
  VocabularyError,
  validateVocabulary,
  vocabularyFromGzip,
  vocabularyFromHuggingFace,
  vocabularyFromMergesText,
  type ClipVocabulary,
} from './vocabulary.js';
export {
  VOCABULARY_ENV,
  discoverVocabulary,
  explicitLocation,
  huggingFaceCaches,
  loadVocabulary,
  missingVocabularyMessage,
  pythonSitePackages,
  type DiscoveryOptions,
  type DiscoveryResult,
  type VocabularyKind,
  type VocabularyLocation,
} from './discovery.js';
export {
  CHUNK_LENGTH,
  chunkA1111,
  countA1111,
  targetTokenCount,
  type A1111ChunkOptions,
  type A1111Chunking,
  type A1111CountedText,
  type A1111TokenCount,
  type ChunkToken,
  type PromptChunk,
  type TokenSource,
} from './a1111Chunks.js';
export { chunkComfy, comfyTokenGroups, type ComfyChunking } from './comfyChunks.js';
export { ESTIMATED_TOKEN, TokenEstimate } from './estimate.js';
export { PromptTokenCounter, chunkSpans, negativeA1111Conditioning, type ChunkSpan } from './promptCounter.js';
