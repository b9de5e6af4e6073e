/**
 * Typed requests to the daemon over a vscode-jsonrpc connection: method names and shapes come from
 * protocol.ts, errors become DaemonRequestError, progress tokens are allocated and routed here.
 * No vscode import: the connection and the cancellation token are structural.
 */
import { ProgressType, type CancellationToken, type Disposable } from 'vscode-jsonrpc';
import { toDaemonError } from './errors';
import { Methods, type ParamsOf, type ProgressValue, type RequestMethod, type ResultOf } from './protocol';

/** The part of vscode-jsonrpc's MessageConnection the client uses. */
export interface RpcConnection {
  sendRequest<R>(method: string, ...params: unknown[]): Promise<R>;
  sendNotification(method: string, ...params: unknown[]): Promise<void>;
  onProgress<P>(type: ProgressType<P>, token: string | number, handler: (value: P) => void): Disposable;
}

export type ProgressMethod = typeof Methods.explain | typeof Methods.explainDataset | typeof Methods.compare | typeof Methods.reproduce;

const progressType = new ProgressType<unknown>();

export function isProgressValue(value: unknown): value is ProgressValue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { phase?: unknown; fraction?: unknown; message?: unknown };
  return (
    typeof v.phase === 'string' &&
    typeof v.fraction === 'number' &&
    Number.isFinite(v.fraction) &&
    (v.message === undefined || typeof v.message === 'string')
  );
}

export class DaemonClient {
  private nextToken = 1;

  constructor(
    private readonly connection: RpcConnection,
    private readonly clientName = 'dime-vscode',
  ) {}

  async request<M extends RequestMethod>(method: M, params: ParamsOf<M>, token?: CancellationToken): Promise<ResultOf<M>> {
    const args: unknown[] = params === undefined ? [] : [params];
    if (token) args.push(token);
    try {
      return await this.connection.sendRequest<ResultOf<M>>(method, ...args);
    } catch (error) {
      throw toDaemonError(error);
    }
  }

  /** A long request with a fresh progress token; `onProgress` sees only well-formed values. */
  async requestWithProgress<M extends ProgressMethod>(
    method: M,
    params: Omit<ParamsOf<M>, 'progressToken'>,
    onProgress: (value: ProgressValue) => void,
    token?: CancellationToken,
  ): Promise<ResultOf<M>> {
    const progressToken = `${this.clientName}-${this.nextToken++}`;
    const subscription = this.connection.onProgress(progressType, progressToken, (value) => {
      if (isProgressValue(value)) onProgress({ ...value, fraction: Math.min(1, Math.max(0, value.fraction)) });
    });
    try {
      const withToken = { ...params, progressToken } as ParamsOf<M>;
      return await this.request(method, withToken, token);
    } finally {
      subscription.dispose();
    }
  }

  notify(method: typeof Methods.exit): Promise<void> {
    return this.connection.sendNotification(method);
  }
}
