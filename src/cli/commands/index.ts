import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerTokens } from './tokens.js';
import { registerLint } from './lint.js';
import { registerRules } from './rules.js';
import { registerInit } from './init.js';
import { registerLoras } from './loras.js';
import { registerLsp } from './lsp.js';
import { registerCompile } from './compile.js';
import { registerRender } from './render.js';
import { registerImport } from './import.js';
import { registerExplain } from './explain.js';
import { registerFmt } from './fmt.js';

/**
 * Every command of the CLI, in the order `sdprompt --help` lists them. Each command module exports
 * one `registerX(program, context)` function; add it here.
 */
export const commands: Array<(program: Command, context: CliContext) => void> = [registerLint, registerFmt, registerRules, registerInit, registerTokens, registerLoras, registerLsp, registerExplain, registerCompile, registerRender, registerImport];
