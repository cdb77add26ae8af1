/**
 * A worker thread of `sdprompt lint`: lints the files it is given with its own LintBatch and posts
 * the reports back (structured clone), or the one-line message of the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BatchError, LintBatch, type BatchOptions } from './batch.js';
import { SourceRange, plainRange } from '../grammar/line-index.js';
import type { FileReport } from './reporters/types.js';

export interface WorkerInput {
  files: string[];
  options: BatchOptions;
}

export type WorkerOutput = { reports: FileReport[]; notes: string[] } | { error: string; internal: boolean };

async function run(input: WorkerInput): Promise<WorkerOutput> {
  try {
    const batch = new LintBatch(input.options);
    const reports: FileReport[] = [];
    for (const file of input.files) reports.push(await batch.lintFile(file));
    return { reports, notes: batch.notes };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), internal: !(error instanceof BatchError) };
  }
}

/** A copy in which every SourceRange is a plain range: structured clone keeps only own data. */
function cloneable(value: unknown): unknown {
  if (value instanceof SourceRange) return plainRange(value);
  if (Array.isArray(value)) return value.map(cloneable);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) copy[key] = cloneable(entry);
    return copy;
  }
  return value;
}

if (parentPort && workerData) {
  const port = parentPort;
  void run(workerData as WorkerInput).then((output) => port.postMessage(cloneable(output)));
}
