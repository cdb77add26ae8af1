import type { Command } from 'commander';
import { EXIT_OK, type CliContext } from '../context.js';

/**
 * `sdprompt lsp`: the language server over stdio. Editors start it with `--stdio` (VS Code's client
 * adds `--clientProcessId=N`), so unknown options are accepted and ignored.
 */
export function registerLsp(program: Command, context: CliContext): void {
  program
    .command('lsp')
    .description('Start the language server (LSP over stdin/stdout)')
    .option('--stdio', 'talk LSP over stdin/stdout (the default and only transport)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async () => {
      const { runLanguageServer } = await import('../../lsp/index.js');
      await runLanguageServer(context.stdin, context.stdout);
      context.exitCode = EXIT_OK;
    });
}
