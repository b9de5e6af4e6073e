/** The logging surface the pure modules use; vscode's LogOutputChannel satisfies it. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const nullLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * The level of a daemon stderr line: Microsoft.Extensions.Logging's console prefixes
 * ("trce:", "dbug:", "info:", "warn:", "fail:", "crit:") or a bracketed level ("[warn]"), optionally after a
 * time of day as Dime.Daemon writes it ("10:06:29.772 [warning] …"); else info.
 */
export function stderrLevel(line: string): Level {
  const m = /^\s*(?:\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\s+)?\[?(trce|trace|dbug|debug|info|warn|warning|fail|error|crit|critical|fatal)\]?[:\s]/i.exec(line);
  switch (m?.[1]?.toLowerCase()) {
    case 'trce':
    case 'trace':
      return 'trace';
    case 'dbug':
    case 'debug':
      return 'debug';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'fail':
    case 'error':
    case 'crit':
    case 'critical':
    case 'fatal':
      return 'error';
    default:
      return 'info';
  }
}
