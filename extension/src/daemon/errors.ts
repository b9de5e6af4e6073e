/** Errors of daemon requests, shaped for users (pure). */
import { ErrorCodes, errorName, type ErrorData } from './protocol';

export class DaemonRequestError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly errorName: string | undefined,
    readonly subject: string | undefined,
  ) {
    super(message);
    this.name = 'DaemonRequestError';
  }

  get cancelled(): boolean {
    return this.code === ErrorCodes.RequestCancelled;
  }
}

/** Anything with a numeric code, like vscode-jsonrpc's ResponseError. */
interface CodedError {
  code: number;
  message: string;
  data?: unknown;
}

function isCodedError(value: unknown): value is CodedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'number' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function errorData(data: unknown): ErrorData {
  if (typeof data !== 'object' || data === null) return {};
  const out: ErrorData = {};
  const { name, subject } = data as { name?: unknown; subject?: unknown };
  if (typeof name === 'string') out.name = name;
  if (typeof subject === 'string') out.subject = subject;
  return out;
}

/** Turns a JSON-RPC error reply into a DaemonRequestError; other errors pass through. */
export function toDaemonError(error: unknown): unknown {
  if (error instanceof DaemonRequestError || !isCodedError(error)) return error;
  const data = errorData(error.data);
  const name = data.name ?? errorName(error.code);
  return new DaemonRequestError(error.message, error.code, name, data.subject);
}

export function isCancellation(error: unknown): boolean {
  return error instanceof DaemonRequestError ? error.cancelled : isCodedError(error) && error.code === ErrorCodes.RequestCancelled;
}

/** One line for a notification: "Image corrupt (images/0003.png): the PNG is truncated [1301]". */
export function userMessage(error: unknown): string {
  if (error instanceof DaemonRequestError) {
    const title = error.errorName ? humanize(error.errorName) : 'Daemon error';
    const subject = error.subject ? ` (${error.subject})` : '';
    return `${title}${subject}: ${error.message} [${error.code}]`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

function humanize(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
