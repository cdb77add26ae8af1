/** The output formats of `sdprompt lint --format`. */
import { githubReporter } from './github.js';
import { jsonReporter } from './json.js';
import { sarifReporter } from './sarif.js';
import { stylishReporter } from './stylish.js';
import type { Reporter } from './types.js';

export const reporters: Record<string, Reporter> = {
  stylish: stylishReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
};

export { toEslintResults, type EslintMessage, type EslintResult } from './json.js';
export { toSarif } from './sarif.js';
export { escapeData, escapeProperty, ANNOTATIONS_PER_LEVEL } from './github.js';
export type { FileReport, ReportContext, Reporter } from './types.js';
