/**
 * What every CLI command gets: its output streams, its input, and how it reports failure.
 * Commands never call process.exit; they return an exit code (0 clean, 1 problems, 2 usage,
 * configuration or internal error) so that tests can run them in-process.
 */
export interface CliContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Set by a command's action; main() returns it. */
  exitCode: number;
}

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

/** A failure to report as one clear line (no stack trace), with exit code 2 unless said otherwise. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Colour only on a TTY, never with NO_COLOR set (https://no-color.org) or FORCE_COLOR=0. */
export function useColor(context: CliContext, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  if (context.env.NO_COLOR !== undefined && context.env.NO_COLOR !== '') return false;
  if (context.env.FORCE_COLOR === '0') return false;
  if (context.env.FORCE_COLOR !== undefined && context.env.FORCE_COLOR !== '') return true;
  return Boolean(context[stream].isTTY);
}

/** Reads all of stdin as UTF-8. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs `handle` on each non-blank JSON line of stdin and writes its result as one JSON line.
 * A line that is not valid JSON gets `{"error": "..."}` in its place, so output lines stay
 * aligned with input lines.
 */
export async function mapJsonLines(
  context: CliContext,
  handle: (input: unknown, lineNumber: number) => unknown,
): Promise<void> {
  const text = await readAll(context.stdin);
  const lines = text.split(/\r?\n/);
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let result: unknown;
    try {
      result = handle(JSON.parse(line), i + 1);
    } catch (error) {
      result = { error: `line ${i + 1}: ${error instanceof Error ? error.message : String(error)}` };
    }
    out += JSON.stringify(result) + '\n';
    if (out.length > 1 << 16) {
      context.stdout.write(out);
      out = '';
    }
  }
  context.stdout.write(out);
}
