/**
 * Diagnostics: project Diagnostic → LSP Diagnostic, and the push scheduler that coalesces edits.
 *
 * Coalescing rather than debouncing (zigtools/zls#2237): a run is queued right after an edit; edits
 * arriving before it starts replace it (the stale run is cancelled), and a run whose document
 * changed while it ran publishes nothing. So a burst of keystrokes costs one analysis, and a
 * client never sees diagnostics for text that is no longer there.
 */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic, Severity } from '../../core/diagnostic.js';
import { toLspRange } from '../positions.js';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Rules whose findings mean "this has no effect", shown faded (DiagnosticTag.Unnecessary). */
const UNNECESSARY = /(^|\/)(unused|no-effect|duplicate|empty|ignored)/;

/** `rulesDocs`: file URL of docs/rules/ when the server runs from a checkout or package that has it. */
export function toLspDiagnostic(diagnostic: Diagnostic, rulesDocs?: string): LspDiagnostic {
  const result: LspDiagnostic = {
    range: toLspRange(diagnostic.range),
    severity: SEVERITY[diagnostic.severity] ?? DiagnosticSeverity.Warning,
    code: diagnostic.code,
    source: 'sdprompt',
    message: diagnostic.message,
  };
  if (rulesDocs && isRuleId(diagnostic.code)) {
    result.codeDescription = { href: `${rulesDocs}${diagnostic.code}.md` };
  }
  if (UNNECESSARY.test(diagnostic.code)) result.tags = [DiagnosticTag.Unnecessary];
  const fixable = Boolean(diagnostic.fix) || (diagnostic.suggestions?.length ?? 0) > 0;
  if (fixable) result.data = { fixable: true };
  return result;
}

/** Lint rule ids are `category/name`; parser codes (`syntax/…`) have docs too. */
function isRuleId(code: string): boolean {
  return /^[a-z0-9-]+\/[a-z0-9-]+$/.test(code);
}

export interface PushTarget {
  /** Resolves when the workspace (settings, library) is loaded; runs wait for it. */
  ready(): Promise<void>;
  /** The document's current version, or undefined once it is closed. */
  currentVersion(uri: string): number | undefined;
  /** Computes diagnostics for the current text; returns the version they belong to. */
  compute(uri: string): { version: number; diagnostics: LspDiagnostic[] } | undefined;
  publish(uri: string, version: number, diagnostics: LspDiagnostic[]): void;
}

export class DiagnosticScheduler {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Runs skipped because a newer edit arrived first (tests read it). */
  coalesced = 0;

  constructor(
    private readonly target: PushTarget,
    private readonly delayMs: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  schedule(uri: string): void {
    const previous = this.pending.get(uri);
    if (previous) {
      clearTimeout(previous);
      this.coalesced++;
    }
    // A timer rather than setImmediate so that a burst already queued on the connection is read
    // first: vscode-jsonrpc dispatches one message per macrotask.
    const timer = setTimeout(() => this.run(uri), this.delayMs());
    this.pending.set(uri, timer);
  }

  cancel(uri: string): void {
    const timer = this.pending.get(uri);
    if (timer) clearTimeout(timer);
    this.pending.delete(uri);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async run(uri: string): Promise<void> {
    this.pending.delete(uri);
    try {
      await this.target.ready();
      if (this.pending.has(uri)) return; // a newer edit queued another run meanwhile
      const result = this.target.compute(uri);
      if (!result) return;
      if (this.target.currentVersion(uri) !== result.version) return; // stale: a newer run is queued
      this.target.publish(uri, result.version, result.diagnostics);
    } catch (error) {
      this.onError(error);
    }
  }
}
