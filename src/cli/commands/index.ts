import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerExplain } from './explain.js';

/** Every command of the CLI, in the order `sdprompt --help` lists them. */
export const commands: Array<(program: Command, context: CliContext) => void> = [registerExplain];
