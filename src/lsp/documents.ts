/**
 * The analysis of each open document, computed on demand for its current version and kept until
 * the next edit (Langium's document states collapsed to one: every request gets the analysis of
 * the exact text it was asked about). Each stage is contained on its own: a linter failure still
 * leaves the parse and its syntax diagnostics.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { dedupeDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import type { PromptFile } from '../grammar/ast.js';
import type { FileModel, ResolvedPrompt } from '../semantics/model.js';
import type { ErrorContainment } from './containment.js';
import type { ServerSettings } from './settings.js';
import type { ChunkOutput, LibrarySnapshot, Toolchain } from './toolchain.js';

export interface AnalysisInputs {
  toolchain: Toolchain;
  settings: () => ServerSettings;
  library: () => LibrarySnapshot;
  containment: ErrorContainment;
}

export class AnalysisCache {
  private readonly entries = new Map<string, DocumentAnalysis>();
  /** How many analyses ran (tests and the bench read it to see coalescing work). */
  runs = 0;

  constructor(private readonly inputs: AnalysisInputs) {}

  get(document: TextDocument): DocumentAnalysis {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const analysis = this.compute(document);
    this.entries.set(document.uri, analysis);
    return analysis;
  }

  /** The analysis of this exact version if it was computed already. */
  peek(uri: string, version: number): DocumentAnalysis | undefined {
    const cached = this.entries.get(uri);
    return cached && cached.version === version ? cached : undefined;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  /** Drops every analysis (settings, config or library changed). */
  invalidate(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private compute(document: TextDocument): DocumentAnalysis {
    this.runs++;
    const text = document.getText();
    const filePath = filePathOf(document.uri);
    const parsed = this.inputs.toolchain.parse(text, filePath ? { filePath } : {});
    return new DocumentAnalysis(document.uri, document.version, text, filePath, parsed.ast, parsed.diagnostics, this.inputs);
  }
}

/**
 * One version of a document, analysed in stages as requests need them (Langium's document states):
 * the syntax tree at once (completion, tokens, symbols need no more), the semantic model on first
 * use (hover, inlay hints), the lint diagnostics on first use (diagnostics, code actions).
 */
export class DocumentAnalysis {
  private modelState: 'pending' | 'done' = 'pending';
  private modelValue: FileModel | undefined;
  private diagnosticsValue: Diagnostic[] | undefined;
  /** Token chunks per resolved prompt, filled on first use by hover and inlay hints. */
  chunkCache?: Map<ResolvedPrompt, ChunkOutput>;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    readonly filePath: string | undefined,
    readonly ast: PromptFile,
    private readonly parseDiagnostics: Diagnostic[],
    private readonly inputs: AnalysisInputs,
  ) {}

  /** The semantic model; undefined when the analyzer is unavailable or failed (reported once). */
  get model(): FileModel | undefined {
    if (this.modelState === 'pending') {
      this.modelState = 'done';
      const { toolchain, containment } = this.inputs;
      if (toolchain.analyze) {
        try {
          this.modelValue = toolchain.analyze(this.ast, { filePath: this.filePath, readFile: includeReader(this.filePath) });
        } catch (error) {
          containment.report('analyze', error);
        }
      }
    }
    return this.modelValue;
  }

  /** Parse, semantic and lint diagnostics, duplicates removed. */
  get diagnostics(): Diagnostic[] {
    if (this.diagnosticsValue) return this.diagnosticsValue;
    const { toolchain, containment } = this.inputs;
    const model = this.model;
    let diagnostics: Diagnostic[] = [...this.parseDiagnostics, ...(model?.diagnostics ?? [])];
    if (toolchain.lint && model) {
      try {
        const settings = this.inputs.settings();
        diagnostics = toolchain.lint(
          { text: this.text, ast: this.ast, model, foreign: diagnostics },
          { filePath: this.filePath, rules: settings.rules, configFile: settings.configFile, library: this.inputs.library() },
        ).diagnostics;
      } catch (error) {
        containment.report('lint', error);
      }
    }
    this.diagnosticsValue = dedupeDiagnostics(diagnostics);
    return this.diagnosticsValue;
  }
}

export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * Reads included files. The analyzer hands over paths already resolved against the including
 * file; a relative path here means an untitled document, which has no folder to include from.
 */
function includeReader(filePath: string | undefined): (path: string) => string | undefined {
  return (path) => {
    if (!isAbsolute(path) && !filePath) return undefined;
    try {
      return readFileSync(filePath ? resolve(dirname(filePath), path) : path, 'utf8');
    } catch {
      return undefined;
    }
  };
}

