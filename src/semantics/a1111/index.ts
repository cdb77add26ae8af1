/** A1111 v1.10's prompt pipeline, reproduced exactly on prompt text (see docs/semantics.md). */
export { parsePromptAttention, A1111Error } from './attention.js';
export { parseExtraNetworks, type ExtraNetworkParse } from './extraNetworks.js';
export { splitAnd, type AndPart } from './andSplit.js';
export { promptSchedules, scheduleFindings, scheduleStructure, type PromptSchedules } from './schedules.js';
export type { BracketGroup, ScheduleStructure, StartPiece } from './scheduleGrammar.js';
export { loraUses, LORA_TYPES, pythonFloatLiteral, type RangeOf } from './lora.js';
export { conditionA1111, conditionFindings, type A1111Findings, toExplainJson, stringifyPythonJson, DEFAULT_STEPS, type ExplainJson } from './condition.js';
