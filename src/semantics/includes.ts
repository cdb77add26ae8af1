/**
 * `@include "path"`: loads the included files (depth first, each once), reporting missing files and
 * cycles at the `@include` that causes them. Only their fragments and file-level parameters are used.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { IncludeNode, PromptFile } from '../grammar/ast.js';
import { parse } from '../grammar/parse.js';

export interface IncludedFile {
  path: string;
  file: PromptFile;
}

interface IncludeOptions {
  path?: string;
  readFile?: (path: string) => string | undefined;
}

/** Included files in the order their parameters apply (an include's own includes first). */
export function loadIncludes(root: PromptFile, options: IncludeOptions, diagnostics: Diagnostic[]): IncludedFile[] {
  const readFile = options.readFile;
  if (!readFile || root.includes.length === 0) return [];
  const loaded: IncludedFile[] = [];
  const done = new Set<string>();

  const visit = (file: PromptFile, path: string | undefined, stack: string[]): void => {
    for (const include of file.includes) {
      const target = resolveIncludePath(path, include.path);
      const report = (code: string, message: string): void => {
        const diagnostic: Diagnostic = { code, severity: 'error', message, range: include.pathRange };
        if (path !== options.path && path !== undefined) diagnostic.file = path;
        diagnostics.push(diagnostic);
      };
      if (stack.includes(target)) {
        const chain = [...stack, target].join(' → ');
        report('include/cycle', `Include cycle: ${chain}. This @include is skipped.`);
        continue;
      }
      if (done.has(target)) continue;
      let text: string | undefined;
      try {
        text = readFile(target);
      } catch (error) {
        report('include/unreadable', `Cannot read '${include.path}': ${error instanceof Error ? error.message : String(error)}.`);
        continue;
      }
      if (text === undefined) {
        report('include/not-found', `Cannot find '${include.path}' (looked for ${target}).`);
        continue;
      }
      done.add(target);
      const parsed = parse(text);
      for (const diagnostic of parsed.diagnostics) {
        if (diagnostic.severity === 'error') diagnostics.push({ ...diagnostic, file: target });
      }
      visit(parsed.ast, target, [...stack, target]);
      loaded.push({ path: target, file: parsed.ast });
    }
  };

  visit(root, options.path, options.path !== undefined ? [options.path] : []);
  return loaded;
}

/** The include node's target path (for the language server's document links). */
export function includeTarget(from: string | undefined, include: IncludeNode): string {
  return resolveIncludePath(from, include.path);
}

/** Resolves an include path against the including file's folder. */
export function resolveIncludePath(from: string | undefined, path: string): string {
  if (isAbsolute(path) || from === undefined) return path;
  return join(dirname(from), path);
}
