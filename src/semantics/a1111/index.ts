/** A1111 v1.10's prompt pipeline, reproduced exactly on prompt text (see docs/semantics.md). */
export { parsePromptAttention, A1111Error } from './attention.js';
