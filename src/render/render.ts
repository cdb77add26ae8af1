/**
 * The render pipeline: plan jobs (prompt × seed × sweep value), skip the ones whose images are
 * already on disk, send the rest one at a time, write every PNG with its provenance chunks
 * (source prompt file, compiled form, A1111 `parameters` infotext), and build the contact sheet.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IrDocument } from '../compile/ir.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { LineIndex } from '../compile/positions.js';
import type { Progress } from '../engines/a1111-client.js';
import { EngineError } from '../engines/http.js';
import { contactSheet, type SheetCell } from './contact-sheet.js';
import type { RenderEngine } from './engines.js';
import { formatInfotext } from './infotext.js';
import { outputName, safeNamePart, writeNew } from './output.js';
import { readPngText, writePngText } from './png-text.js';
import { applySweep, type SweepAxis } from './sweep.js';

export interface RenderSource {
  /** Path of the prompt file (for names, provenance and relative image paths). */
  file: string;
  text: string;
  docs: IrDocument[];
}

export interface RenderJob {
  source: RenderSource;
  doc: IrDocument;
  promptLabel: string;
  seed: number;
  sweep: Record<string, string>;
  /** Sweep row and seed column, for the contact sheet. */
  row: number;
  column: number;
  /** Output paths, one per image of the batch. */
  outputs: string[];
}

export interface PlanOptions {
  outDir: string;
  seeds?: number[];
  sweep?: SweepAxis;
  /** Seed for prompts that say -1 (random); default: a random 32-bit seed per prompt. */
  randomSeed?: () => number;
}

export function planRender(sources: RenderSource[], options: PlanOptions): RenderJob[] {
  const jobs: RenderJob[] = [];
  const randomSeed = options.randomSeed ?? (() => Math.floor(Math.random() * 2 ** 32));
  for (const source of sources) {
    const stem = path.basename(source.file).replace(/\.[^.]*$/, '');
    for (const doc of source.docs) {
      const promptLabel = doc.name ?? String(doc.index + 1);
      const seeds = options.seeds ?? [doc.parameters.seed < 0 ? randomSeed() : doc.parameters.seed];
      const values = options.sweep ? options.sweep.values : [undefined];
      values.forEach((value, row) => {
        const swept = options.sweep && value !== undefined ? applySweep(doc, options.sweep, value) : doc;
        const sweep: Record<string, string> = options.sweep && value !== undefined ? { [options.sweep.label]: String(value) } : {};
        seeds.forEach((seed, column) => {
          const jobDoc = structuredClone(swept);
          jobDoc.parameters.seed = seed;
          const count = jobDoc.parameters.batchSize * jobDoc.parameters.batchCount;
          const outputs = Array.from({ length: count }, (_, image) => path.join(options.outDir, outputName({ stem, prompt: promptLabel, seed, sweep, image })));
          jobs.push({ source, doc: jobDoc, promptLabel, seed, sweep, row, column, outputs });
        });
      });
    }
  }
  return jobs;
}

export type RenderEvent =
  | { type: 'skip'; job: RenderJob }
  | { type: 'start'; job: RenderJob; index: number; total: number }
  | { type: 'progress'; job: RenderJob; progress: Progress }
  | { type: 'written'; job: RenderJob; file: string }
  | { type: 'failed'; job: RenderJob; error: EngineError | Error }
  /** Problems the engine reported for a job that still ran (diagnostics in the job's prompt file). */
  | { type: 'diagnostics'; job: RenderJob; diagnostics: Diagnostic[] }
  | { type: 'sheet'; file: string };

export interface RenderSummary {
  written: string[];
  skipped: number;
  failed: number;
  sheets: string[];
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Provenance chunks; the engine's own `parameters` (A1111, sd-server) and `prompt` (ComfyUI) stay. */
function withProvenance(png: Buffer, job: RenderJob, compiled: unknown, kind: string): Buffer {
  let existing: Record<string, string> = {};
  try {
    existing = readPngText(png);
  } catch {
    return png; // not a PNG: written as the engine sent it
  }
  const chunks: Record<string, string> = {
    'sdprompt-source': job.source.text,
    'sdprompt-compiled': JSON.stringify({ engine: kind, payload: compiled }),
  };
  if (existing.parameters === undefined) chunks.parameters = formatInfotext(job.doc, { seed: job.seed });
  return writePngText(png, chunks);
}

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: (event: RenderEvent) => void;
  /** Build a contact sheet per prompt when there is more than one cell (default true). */
  contactSheet?: boolean;
  outDir: string;
}

export async function runRender(jobs: RenderJob[], engine: RenderEngine, options: RunOptions): Promise<RenderSummary> {
  const summary: RenderSummary = { written: [], skipped: 0, failed: 0, sheets: [] };
  const cells = new Map<string, Array<Array<SheetCell | undefined>>>();
  const emit = (event: RenderEvent) => options.onEvent?.(event);
  const pending: RenderJob[] = [];
  for (const job of jobs) {
    if ((await Promise.all(job.outputs.map(exists))).every(Boolean)) {
      summary.skipped++;
      emit({ type: 'skip', job });
    } else pending.push(job);
  }
  let index = 0;
  for (const job of jobs) {
    const key = `${job.source.file}\0${job.promptLabel}`;
    if (!cells.has(key)) cells.set(key, []);
    const grid = cells.get(key)!;
    grid[job.row] ??= [];
    const label = [...Object.entries(job.sweep).map(([k, v]) => `${k} ${v}`), `seed ${job.seed}`].join(' · ');
    if (!pending.includes(job)) {
      grid[job.row]![job.column] = { image: await readFile(job.outputs[0]!), label };
      continue;
    }
    if (options.signal?.aborted) break;
    emit({ type: 'start', job, index: ++index, total: pending.length });
    try {
      const lines = new LineIndex(job.source.text);
      const images = await engine.send(job.doc, {
        baseDir: path.dirname(path.resolve(job.source.file)),
        describeSource: (source) => {
          const at = lines.position(source.start);
          return `${path.basename(job.source.file)}:${at.line + 1}:${at.column + 1}`;
        },
        rangeOf: (source) => lines.range(source.start, source.end),
        onDiagnostics: (diagnostics) => emit({ type: 'diagnostics', job, diagnostics }),
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (progress) => emit({ type: 'progress', job, progress }),
      });
      const compiled = engine.compile(job.doc).payload;
      for (const [i, image] of images.entries()) {
        // Extra images beyond the planned batch get the next numbers; nothing is dropped.
        const target = job.outputs[i] ?? job.outputs[0]!.replace(/-(\d+)\.png$/, `-${String(i + 1).padStart(2, '0')}.png`);
        const written = await writeNew(target, withProvenance(image, job, compiled, engine.kind));
        summary.written.push(written);
        emit({ type: 'written', job, file: written });
        if (i === 0) grid[job.row]![job.column] = { image, label };
      }
    } catch (error) {
      // Finished images that came with the failure (earlier batches, an interrupted A1111 job) are
      // kept, under "-partial" names so that a re-run still renders the whole job.
      const partial = error instanceof EngineError ? (error.partial ?? []) : [];
      for (const [i, image] of partial.entries()) {
        const target = (job.outputs[i] ?? job.outputs[0]!.replace(/-(\d+)\.png$/, `-${String(i + 1).padStart(2, '0')}.png`)).replace(/\.png$/, '-partial.png');
        const written = await writeNew(target, withProvenance(image, job, engine.compile(job.doc).payload, engine.kind));
        summary.written.push(written);
        emit({ type: 'written', job, file: written });
      }
      summary.failed++;
      emit({ type: 'failed', job, error: error instanceof Error ? error : new Error(String(error)) });
      if (error instanceof EngineError && (error.kind === 'interrupted' || error.kind === 'connection')) break;
    }
  }
  // A re-run that rendered nothing new leaves the existing sheet alone.
  if (options.contactSheet !== false && summary.written.length > 0) {
    for (const [key, grid] of cells) {
      const cellCount = grid.reduce((n, row) => n + (row?.filter(Boolean).length ?? 0), 0);
      if (cellCount < 2) continue;
      const [file, prompt] = key.split('\0') as [string, string];
      const stem = safeNamePart(path.basename(file).replace(/\.[^.]*$/, ''));
      const sheet = await contactSheet(grid.map((row) => row ?? []), { title: `${path.basename(file)} · ${prompt}` });
      const written = await writeNew(path.join(options.outDir, `${stem}-${safeNamePart(prompt)}-sheet.png`), sheet);
      summary.sheets.push(written);
      emit({ type: 'sheet', file: written });
    }
  }
  return summary;
}
