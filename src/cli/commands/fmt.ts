/**
 * `sdprompt fmt`: formats prompt files (Prettier's CLI conventions, tooling.md §5).
 *
 *   sdprompt fmt FILE               prints FILE formatted to stdout
 *   sdprompt fmt --stdin            formats stdin to stdout
 *   sdprompt fmt --check [PATHS…]   lists the files that are not formatted (exit 1 if any)
 *   sdprompt fmt --write [PATHS…]   rewrites the files that are not formatted (temp file + rename)
 * (PATHS default to the current folder, searched for *.sdprompt.)
 *
 * Files with syntax errors are never rewritten; their errors are listed on stderr and the exit code
 * is 1, as for the linter. Usage errors and unreadable paths exit with 2.
 */
import type { Command } from 'commander';
import { CliError, EXIT_PROBLEMS, readAll, type CliContext } from '../context.js';

interface FmtOptions {
  check?: boolean;
  write?: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  endOfLine?: string;
}

const END_OF_LINE = ['auto', 'lf', 'crlf'] as const;
type EndOfLine = (typeof END_OF_LINE)[number];

export function registerFmt(program: Command, context: CliContext): void {
  program
    .command('fmt')
    .description('Format prompt files in the canonical style (docs/formatting.md)')
    .argument('[paths...]', 'files, folders (searched for *.sdprompt) or globs; with --check/--write the default is .')
    .option('--check', 'list files that are not formatted; exit 1 if any')
    .option('--write', 'rewrite files that are not formatted, in place')
    .option('--stdin', 'format standard input to standard output')
    .option('--stdin-filename <name>', 'name of the stdin file in messages')
    .option('--end-of-line <eol>', 'line endings: auto (keep the file\'s), lf or crlf', 'auto')
    .action(async (paths: string[], options: FmtOptions) => {
      context.exitCode = await runFmt(paths, options, context);
    });
}

async function runFmt(paths: string[], options: FmtOptions, context: CliContext): Promise<number> {
  if (options.check && options.write) throw new CliError('--check and --write cannot be used together');
  const endOfLine = options.endOfLine ?? 'auto';
  if (!(END_OF_LINE as readonly string[]).includes(endOfLine)) {
    throw new CliError(`--end-of-line must be one of ${END_OF_LINE.join(', ')} (got '${endOfLine}')`);
  }
  const formatOptions = { endOfLine: endOfLine as EndOfLine };
  const { format } = await import('../../format/index.js');

  if (options.stdin) {
    if (paths.length > 0) throw new CliError('--stdin reads standard input: give no paths with it');
    if (options.write) throw new CliError('--write cannot rewrite standard input');
    const name = options.stdinFilename ?? '<stdin>';
    const text = await readAll(context.stdin);
    const result = format(text, formatOptions);
    if ('error' in result) {
      reportErrors(context, name, result.error);
      return EXIT_PROBLEMS;
    }
    if (options.check) {
      if (result.changed) context.stdout.write(`${name}\n`);
      return result.changed ? EXIT_PROBLEMS : 0;
    }
    context.stdout.write(result.output);
    return 0;
  }

  if (paths.length === 0) {
    // `sdprompt fmt --check` in CI: every prompt file below the current folder, as `lint` does.
    if (!options.check && !options.write) throw new CliError('give the file to format, --stdin, or --check/--write (see sdprompt fmt --help)');
    paths = ['.'];
  }
  const { expandPaths, writeFileAtomic } = await import('../../format/files.js');
  const files = await expandPaths(paths, context.cwd).catch((error: Error) => {
    throw new CliError(error.message);
  });
  if (files.length === 0) throw new CliError(`no *.sdprompt files in ${paths.join(', ')}`);
  if (!options.check && !options.write && files.length !== 1) {
    throw new CliError(`${files.length} files match: use --check or --write to format several files`);
  }
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  let failed = 0;
  let unformatted = 0;
  let written = 0;
  for (const file of files) {
    const shown = path.relative(context.cwd, file) || file;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const result = format(text, formatOptions);
    if ('error' in result) {
      failed++;
      reportErrors(context, shown, result.error);
      continue;
    }
    if (!options.check && !options.write) {
      context.stdout.write(result.output);
      continue;
    }
    if (!result.changed) continue;
    unformatted++;
    if (options.write) {
      try {
        await writeFileAtomic(file, result.output);
      } catch (error) {
        throw new CliError(`cannot write ${shown}: ${error instanceof Error ? error.message : String(error)}`);
      }
      written++;
    }
    context.stdout.write(`${shown}\n`);
  }
  if (options.check && unformatted > 0) {
    context.stderr.write(`${unformatted} of ${files.length} file${files.length === 1 ? '' : 's'} not formatted; run sdprompt fmt --write to fix.\n`);
  }
  if (options.write && written > 0) {
    context.stderr.write(`Formatted ${written} of ${files.length} file${files.length === 1 ? '' : 's'}.\n`);
  }
  if (failed > 0) {
    context.stderr.write(`${failed} file${failed === 1 ? '' : 's'} with syntax errors left unchanged.\n`);
  }
  return failed > 0 || (options.check && unformatted > 0) ? EXIT_PROBLEMS : 0;
}

function reportErrors(context: CliContext, name: string, errors: ReadonlyArray<{ message: string; code: string; range: { start: { line: number; column: number } } }>): void {
  for (const error of errors) {
    const { line, column } = error.range.start;
    context.stderr.write(`${name}:${line + 1}:${column + 1}: error: ${error.message} (${error.code}); not formatted\n`);
  }
}
