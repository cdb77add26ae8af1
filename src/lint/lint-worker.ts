/**
 * A worker thread of `sdprompt lint`. It keeps one LintBatch (configuration, library and tokenizer
 * are loaded once) and lints the chunks of files the main thread sends, one message per chunk, posting
 * each chunk's reports back (structured clone) or the one-line message of the error that stopped it.
 * Chunks rather than one fixed share: the worker starts later than the main thread and files differ
 * in cost, so the threads take work as they become free and finish together.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BatchError, LintBatch, type BatchOptions } from './batch.js';
import { plainRange } from '../grammar/line-index.js';
import type { FileReport } from './reporters/types.js';

export interface WorkerInput {
  options: BatchOptions;
}

/** A chunk of the file list to lint; `index` says where its reports go. */
export interface WorkerChunk {
  index: number;
  files: string[];
}

export type WorkerOutput =
  | { index: number; reports: FileReport[]; notes: string[] }
  | { index: number; error: string; internal: boolean };

async function lintChunk(batch: LintBatch, chunk: WorkerChunk): Promise<WorkerOutput> {
  try {
    const reports: FileReport[] = [];
    for (const file of chunk.files) reports.push(await batch.lintFile(file));
    return { index: chunk.index, reports, notes: batch.notes };
  } catch (error) {
    return { index: chunk.index, error: error instanceof Error ? error.message : String(error), internal: !(error instanceof BatchError) };
  }
}

/**
 * The output with every diagnostic's range made plain: a SourceRange holds its offsets in private
 * fields, which structured clone drops. Ranges appear nowhere else in a report (edits are offsets).
 */
function cloneable(output: WorkerOutput): WorkerOutput {
  if ('error' in output) return output;
  const reports = output.reports.map((report) => ({
    ...report,
    result: { ...report.result, diagnostics: report.result.diagnostics.map((diagnostic) => ({ ...diagnostic, range: plainRange(diagnostic.range) })) },
  }));
  return { ...output, reports };
}

if (parentPort && workerData) {
  const port = parentPort;
  const batch = new LintBatch((workerData as WorkerInput).options);
  // Chunks are linted one after another in arrival order (the main thread keeps two in flight).
  let queue = Promise.resolve();
  port.on('message', (chunk: WorkerChunk) => {
    queue = queue.then(async () => port.postMessage(cloneable(await lintChunk(batch, chunk))));
  });
}
