/**
 * The `sdprompt` command line: a thin shell over the library API. Each command lives in
 * src/cli/commands/NAME.ts and loads its heavy modules only when it runs, so that a cold start
 * stays fast.
 */
import { Command, CommanderError } from 'commander';
import { CliError, EXIT_USAGE, type CliContext } from './context.js';
import { commands } from './commands/index.js';

export function createProgram(context: CliContext): Command {
  const program = new Command('sdprompt')
    .description('Compiler, linter, formatter and language server for Stable Diffusion prompt files')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run sdprompt --help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .exitOverride();
  for (const register of commands) register(program, context);
  for (const command of program.commands) command.exitOverride();
  return program;
}

const VERSION = '0.1.0';

export async function main(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const context: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
    exitCode: 0,
    ...partial,
  };
  const program = createProgram(context);
  try {
    await program.parseAsync(argv);
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof CliError) {
      context.stderr.write(`sdprompt: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    context.stderr.write(`sdprompt: internal error: ${message}\n`);
    if (context.env.SDPROMPT_DEBUG) context.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
    return EXIT_USAGE;
  }
}
