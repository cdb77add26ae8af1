/**
 * Checks of single `key: value` entries (types, ranges, known names) shared by every parameter block;
 * each problem is reported at the value's range, with "did you mean" where a name is close.
 */
import type { Diagnostic, Fix } from '../core/diagnostic.js';
import { closestName } from '../grammar/did-you-mean.js';
import type { ParamBlockNode, ParamEntryNode, Range, ValueNode } from '../grammar/ast.js';
import { normalizeKey, readBoolean, readInteger, readNumber } from './parameter-values.js';

export interface ParameterReaderOptions {
  /** Unknown keys get a warning (structured files) or pass silently into `extra` (infotext). */
  warnUnknownKeys: boolean;
  /** Path of the file the blocks come from, when it is not the checked document (includes). */
  file?: string;
}

export class EntryChecker {
  constructor(
    protected readonly diagnostics: Diagnostic[],
    protected readonly options: ParameterReaderOptions,
  ) {}

  report(code: string, severity: Diagnostic['severity'], message: string, range: Range, extra: Partial<Diagnostic> = {}): void {
    const diagnostic: Diagnostic = { code, severity, message, range, ...extra };
    if (this.options.file !== undefined) diagnostic.file = this.options.file;
    this.diagnostics.push(diagnostic);
  }

  replaceFix(value: ValueNode, replacement: string): Fix {
    return { title: `Change to '${replacement}'`, edits: [{ start: value.range.start.offset, end: value.range.end.offset, newText: replacement }] };
  }

  checkDuplicates(block: ParamBlockNode): void {
    const seen = new Map<string, ParamEntryNode>();
    for (const entry of block.entries) {
      const key = normalizeKey(entry.key);
      const first = seen.get(key);
      if (first) {
        this.report('params/duplicate-key', 'warning', `'${entry.key}' is set twice in this block (line ${first.range.start.line + 1}); the last one wins.`, entry.keyRange);
      }
      seen.set(key, entry);
    }
  }

  /** The value of an entry, or a report that it is missing. */
  value(entry: ParamEntryNode): ValueNode | undefined {
    if (!entry.value || entry.value.value.trim() === '') {
      this.report('params/missing-value', 'error', `'${entry.key}' has no value. Write '${entry.key}: VALUE'.`, entry.range);
      return undefined;
    }
    return entry.value;
  }

  integer(entry: ParamEntryNode, min: number, max: number, softMax?: number): number | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const number = readInteger(value.value);
    if (number === undefined) {
      const float = readNumber(value.value);
      this.report('params/not-an-integer', 'error', `'${entry.key}' must be a whole number, not '${value.value}'.`, value.range,
        float !== undefined ? { fix: this.replaceFix(value, String(Math.round(float))) } : {});
      return undefined;
    }
    return this.inRange(entry, value, number, min, max, softMax);
  }

  number(entry: ParamEntryNode, min: number, max: number, softMax?: number): number | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const number = readNumber(value.value);
    if (number === undefined) {
      this.report('params/not-a-number', 'error', `'${entry.key}' must be a number, not '${value.value}'.`, value.range);
      return undefined;
    }
    return this.inRange(entry, value, number, min, max, softMax);
  }

  inRange(entry: ParamEntryNode, value: ValueNode, number: number, min: number, max: number, softMax?: number): number | undefined {
    if (number < min || number > max) {
      this.report('params/out-of-range', 'error', `'${entry.key}' must be between ${min} and ${max}; ${number} is outside.`, value.range);
      return undefined;
    }
    if (softMax !== undefined && number > softMax) {
      this.report('params/unusual-value', 'warning', `'${entry.key}: ${number}' is above ${softMax}, the largest value A1111's UI offers; check it is intended.`, value.range);
    }
    return number;
  }

  boolean(entry: ParamEntryNode): boolean | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const result = readBoolean(value.value);
    if (result === undefined) this.report('params/not-a-boolean', 'error', `'${entry.key}' must be true or false, not '${value.value}'.`, value.range);
    return result;
  }

  text(entry: ParamEntryNode): string | undefined {
    return this.value(entry)?.value.trim();
  }

  /** One of a fixed list of names (case-insensitive); reports with "did you mean". */
  choice(entry: ParamEntryNode, choices: readonly string[], severity: Diagnostic['severity'] = 'error'): string | undefined {
    const value = this.value(entry);
    if (!value) return undefined;
    const written = value.value.trim();
    const match = choices.find((choice) => choice.toLowerCase() === written.toLowerCase());
    if (match) return match;
    this.unknownName(entry, value, written, choices, severity);
    return severity === 'error' ? undefined : written;
  }

  unknownName(entry: ParamEntryNode, value: ValueNode, written: string, choices: readonly string[], severity: Diagnostic['severity']): void {
    const guess = closestName(written, choices);
    const list = choices.length <= 12 ? ` Known: ${choices.join(', ')}.` : '';
    this.report(
      'params/unknown-value',
      severity,
      `Unknown ${entry.key} '${written}'.${guess ? ` Did you mean '${guess}'?` : ''}${list}`,
      value.range,
      guess ? { suggestions: [this.replaceFix(value, guess)] } : {},
    );
  }

  unknownKey(entry: ParamEntryNode, known: readonly string[], block: string): void {
    if (!this.options.warnUnknownKeys) return;
    const guess = closestName(normalizeKey(entry.key), known);
    this.report(
      'params/unknown-key',
      'warning',
      `Unknown key '${entry.key}' in @${block}${guess ? ` (did you mean '${guess}'?)` : ''}; it is passed through unchanged.`,
      entry.keyRange,
      guess
        ? { suggestions: [{ title: `Change to '${guess}'`, edits: [{ start: entry.keyRange.start.offset, end: entry.keyRange.end.offset, newText: guess }] }] }
        : {},
    );
  }

  entriesOf(block: ParamBlockNode, known: readonly string[], aliases: Record<string, string>): Map<string, ParamEntryNode> {
    const entries = new Map<string, ParamEntryNode>();
    for (const entry of block.entries) {
      const normalized = normalizeKey(entry.key);
      const key = aliases[normalized] ?? normalized;
      if (known.includes(key)) entries.set(key, entry);
      else this.unknownKey(entry, known, block.block);
    }
    return entries;
  }

  required(block: ParamBlockNode, entries: Map<string, ParamEntryNode>, key: string): void {
    if (!entries.has(key)) {
      this.report('params/missing-key', 'error', `@${block.block} needs '${key}: …'.`, block.directiveRange);
    }
  }

  /** Runs `read` on the entry for `key` when the block has one. */
  with<T>(entries: Map<string, ParamEntryNode>, key: string, read: (entry: ParamEntryNode) => T | undefined): T | undefined {
    const entry = entries.get(key);
    return entry ? read(entry) : undefined;
  }
}
