/**
 * Inline configuration comments in prompt files (`#` lines, docs/language.md), after ESLint's:
 *   # sdprompt-disable-next-line rule-a, rule-b -- reason
 *   # sdprompt-disable [rules]   …   # sdprompt-enable [rules]
 *   # sdprompt-disable-file [rules]
 * No rule list means every rule. "next line" is the next line that is not itself a comment, so a
 * directive can sit above other comments. Each directive remembers what it suppressed, so unused
 * ones can be reported (`--report-unused-disable-directives`).
 */
import type { Diagnostic, Fix } from '../core/diagnostic.js';
import type { CommentNode, PromptFile } from '../grammar/ast.js';

export type DirectiveKind = 'disable-next-line' | 'disable' | 'enable' | 'disable-file';

export interface Directive {
  kind: DirectiveKind;
  comment: CommentNode;
  /** The rules it names; empty = all rules. */
  rules: string[];
  /** For disable-next-line: the 0-based line it covers. */
  targetLine?: number;
  /** Rule ids (or '*' for a rule-less directive) that suppressed at least one problem. */
  used: Set<string>;
}

const DIRECTIVE = /^\s*sdprompt-(disable-next-line|disable-file|disable|enable)(?=\s|$)(.*)$/;

export function parseDirectives(file: PromptFile): Directive[] {
  const commentLines = new Set(file.comments.map((comment) => comment.range.start.line));
  const directives: Directive[] = [];
  for (const comment of file.comments) {
    const match = DIRECTIVE.exec(comment.text);
    if (!match) continue;
    const kind = match[1] as DirectiveKind;
    const list = match[2]!.split(/\s--\s|\s--$|^--\s/)[0]!;
    const rules = list
      .split(/[\s,]+/)
      .map((rule) => rule.trim())
      .filter((rule) => rule.length > 0);
    const directive: Directive = { kind, comment, rules, used: new Set() };
    if (kind === 'disable-next-line') {
      let line = comment.range.start.line + 1;
      while (commentLines.has(line)) line++;
      directive.targetLine = line;
    }
    directives.push(directive);
  }
  return directives;
}

function covers(directive: Directive, code: string): boolean {
  return directive.rules.length === 0 || directive.rules.includes(code);
}

function markUsed(directive: Directive, code: string): void {
  directive.used.add(directive.rules.length === 0 ? '*' : code);
}

/**
 * Drops the diagnostics a directive suppresses and marks those directives used. Diagnostics of
 * other files (includes) are never suppressed by this file's comments.
 */
export function applyDirectives(diagnostics: Diagnostic[], directives: Directive[]): Diagnostic[] {
  if (directives.length === 0) return diagnostics;
  const ordered = [...directives].sort((a, b) => a.comment.range.start.offset - b.comment.range.start.offset);
  return diagnostics.filter((diagnostic) => {
    if (diagnostic.file !== undefined) return true;
    const line = diagnostic.range.start.line;
    const code = diagnostic.code;
    let suppressedBy: Directive | undefined;
    for (const directive of ordered) {
      if (directive.kind === 'disable-file' && covers(directive, code)) suppressedBy = directive;
      else if (directive.kind === 'disable-next-line' && directive.targetLine === line && covers(directive, code)) {
        suppressedBy = directive;
      }
    }
    if (!suppressedBy) suppressedBy = regionSuppressing(ordered, line, code);
    if (!suppressedBy) return true;
    markUsed(suppressedBy, code);
    return false;
  });
}

/** The `disable` region (not ended by a covering `enable`) that contains `line`, if any. */
function regionSuppressing(ordered: Directive[], line: number, code: string): Directive | undefined {
  let open: Directive | undefined;
  for (const directive of ordered) {
    if (directive.comment.range.start.line >= line) break;
    if (directive.kind === 'disable' && covers(directive, code)) open = directive;
    else if (directive.kind === 'enable' && covers(directive, code)) open = undefined;
  }
  return open;
}

export const UNUSED_DIRECTIVE_CODE = 'lint/unused-disable-directive';
export const UNKNOWN_RULE_IN_DIRECTIVE_CODE = 'lint/unknown-rule-in-directive';

/**
 * Reports directives (or rules named in them) that suppressed nothing, with a fix that removes
 * the comment line or the unused names. `enable` directives are never reported.
 */
export function unusedDirectiveDiagnostics(
  directives: Directive[],
  severity: Diagnostic['severity'],
  lineEndOffset: (line: number) => number,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const directive of directives) {
    if (directive.kind === 'enable') continue;
    const { comment } = directive;
    const unused = directive.rules.length === 0 ? (directive.used.has('*') ? [] : ['*']) : directive.rules.filter((rule) => !directive.used.has(rule));
    if (unused.length === 0) continue;
    const allUnused = directive.rules.length === 0 || unused.length === directive.rules.length;
    let fix: Fix;
    if (allUnused) {
      fix = {
        title: 'Remove the unused directive',
        edits: [{ start: comment.range.start.offset, end: lineEndOffset(comment.range.start.line), newText: '' }],
      };
    } else {
      const kept = directive.rules.filter((rule) => directive.used.has(rule));
      const reason = /\s--\s.*$/.exec(comment.text)?.[0] ?? '';
      fix = {
        title: `Remove ${unused.map((rule) => `'${rule}'`).join(', ')} from the directive`,
        edits: [
          {
            start: comment.range.start.offset,
            end: comment.range.end.offset,
            newText: `# sdprompt-${directive.kind} ${kept.join(', ')}${reason}`,
          },
        ],
      };
    }
    const what = directive.rules.length === 0 ? '' : ` (no problems were reported from ${unused.map((rule) => `'${rule}'`).join(', ')})`;
    diagnostics.push({
      code: UNUSED_DIRECTIVE_CODE,
      severity,
      message: `Unused sdprompt-${directive.kind} directive${what}.`,
      range: comment.range,
      fix,
    });
  }
  return diagnostics;
}

/** Directives naming rules that do not exist: always reported, as ESLint does, since they can never work. */
export function unknownRuleDiagnostics(directives: Directive[], isKnown: (code: string) => boolean): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const directive of directives) {
    for (const rule of directive.rules) {
      if (isKnown(rule)) continue;
      directive.used.add(rule); // reported here; not again as unused
      diagnostics.push({
        code: UNKNOWN_RULE_IN_DIRECTIVE_CODE,
        severity: 'warning',
        message: `sdprompt-${directive.kind} names an unknown rule '${rule}'; run "sdprompt rules" for the list.`,
        range: directive.comment.range,
      });
    }
  }
  return diagnostics;
}
