/**
 * `sdprompt explain`: what A1111 makes of a prompt.
 *  - `explain --engine a1111 --jsonl`: JSON Lines `{"prompt", "steps", "hires_steps"}` on stdin, one
 *    `{"networks", "subprompts"}` (or `{"error"}`) line out per input line (docs/semantics.md).
 *  - `explain FILE`: for each prompt of a prompt file, a human-readable breakdown (or `--json`).
 */
import type { Command } from 'commander';
import { CliError, EXIT_OK, EXIT_PROBLEMS, readAll, type CliContext } from '../context.js';

interface ExplainOptions {
  engine: string;
  jsonl?: boolean;
  json?: boolean;
  steps?: string;
  hiresSteps?: string;
}

function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError(`${flag} expects a whole number, got '${value}'`);
  return Number(value);
}

export function registerExplain(program: Command, context: CliContext): void {
  program
    .command('explain')
    .description('Show what A1111 makes of a prompt: networks, AND parts, schedule steps, weights, BREAK chunks')
    .argument('[file]', 'prompt file (a bare prompt, an infotext block or a structured .sdprompt file); - for stdin')
    .option('--engine <engine>', 'engine whose semantics to show (only a1111)', 'a1111')
    .option('--jsonl', 'read JSON Lines {"prompt","steps","hires_steps"} on stdin, write one result per line')
    .option('--json', 'print the result as JSON')
    .option('--steps <n>', 'sampling steps (default: the file\'s steps, else 20)')
    .option('--hires-steps <n>', 'hires-fix steps (schedules then count fractions from 1 to 2)')
    .action(async (file: string | undefined, options: ExplainOptions) => {
      if (options.engine !== 'a1111') throw new CliError(`explain supports --engine a1111 only, got '${options.engine}'`);
      const steps = parseCount(options.steps, '--steps');
      const hiresSteps = parseCount(options.hiresSteps, '--hires-steps');
      if (options.jsonl) {
        if (file !== undefined) throw new CliError('--jsonl reads stdin; do not pass a file');
        const { explainJsonLines } = await import('../../semantics/a1111/explainJsonl.js');
        const input = await readAll(context.stdin);
        explainJsonLines(input, (line) => context.stdout.write(line));
        context.exitCode = EXIT_OK;
        return;
      }
      if (file === undefined) throw new CliError('explain needs a FILE (or - for stdin), or --jsonl');
      const { explainFile } = await import('./explainReport.js');
      const problems = await explainFile(context, file, { steps, hiresSteps, json: options.json === true });
      context.exitCode = problems ? EXIT_PROBLEMS : EXIT_OK;
    });
}
