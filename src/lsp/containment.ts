/**
 * Error containment: the server never dies. An exception in a handler is logged (once per distinct
 * message, so a failing request in a keystroke loop does not flood the log) and that one request
 * fails with a JSON-RPC error; every other request and notification goes on.
 */
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
}

export class ErrorContainment {
  private readonly reported = new Set<string>();
  /** How many handler failures were contained since the server started. */
  failures = 0;

  constructor(private readonly logger: Logger) {}

  /** Logs `error` from handler `where`, at most once per (handler, message). */
  report(where: string, error: unknown): void {
    this.failures++;
    const message = error instanceof Error ? error.message : String(error);
    const key = `${where}\u0000${message}`;
    if (this.reported.has(key)) return;
    if (this.reported.size > 1000) this.reported.clear();
    this.reported.add(key);
    const stack = error instanceof Error && error.stack ? `\n${error.stack}` : '';
    this.logger.error(`sdprompt: ${where} failed: ${message}${stack}`);
  }

  /** Wraps a request handler: a throw (or rejection) becomes a ResponseError for that request only. */
  request<P, R>(where: string, handler: (params: P, ...rest: any[]) => R | Promise<R>) {
    return async (params: P, ...rest: any[]): Promise<R | ResponseError<any>> => {
      try {
        return await handler(params, ...rest);
      } catch (error) {
        if (error instanceof ResponseError) return error;
        this.report(where, error);
        return new ResponseError(LSPErrorCodes.RequestFailed, `sdprompt: ${where} failed: ${messageOf(error)}`);
      }
    };
  }

  /** Wraps a notification handler: a throw is logged and swallowed. */
  notification<P>(where: string, handler: (params: P) => void | Promise<void>) {
    return async (params: P): Promise<void> => {
      try {
        await handler(params);
      } catch (error) {
        this.report(where, error);
      }
    };
  }

  /** Runs background work (diagnostics, library scans) with the same containment. */
  async background(where: string, work: () => void | Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.report(where, error);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
