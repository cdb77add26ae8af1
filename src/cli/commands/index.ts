import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/**
 * Every command of the CLI, in the order `sdprompt --help` lists them. Each command module exports
 * one `registerX(program, context)` function; add it here.
 */
export const commands: Array<(program: Command, context: CliContext) => void> = [];
