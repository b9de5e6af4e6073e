import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancellationTokenSource, ProgressType, ResponseError, type Disposable } from 'vscode-jsonrpc';
import { DaemonClient, isProgressValue, type RpcConnection } from '../../src/daemon/client';
import { DaemonRequestError, isCancellation, userMessage } from '../../src/daemon/errors';
import { ErrorCodes, errorName, Methods, Notifications } from '../../src/daemon/protocol';

class FakeConnection implements RpcConnection {
  sent: { method: string; params: unknown[] }[] = [];
  handlers = new Map<string | number, (v: unknown) => void>();
  reply: (method: string, params: unknown[]) => Promise<unknown> = async () => ({});

  sendRequest<R>(method: string, ...params: unknown[]): Promise<R> {
    this.sent.push({ method, params });
    return this.reply(method, params) as Promise<R>;
  }
  async sendNotification(method: string, ...params: unknown[]): Promise<void> {
    this.sent.push({ method, params });
  }
  onProgress<P>(_type: ProgressType<P>, token: string | number, handler: (value: P) => void): Disposable {
    this.handlers.set(token, handler as (v: unknown) => void);
    return { dispose: () => this.handlers.delete(token) };
  }
}

describe('DaemonClient', () => {
  test('one object parameter, sent by name; none for shutdown; the token last', async () => {
    const c = new FakeConnection();
    const client = new DaemonClient(c);
    await client.request(Methods.loadModel, { manifestPath: '/m.json' });
    await client.request(Methods.shutdown, undefined);
    const source = new CancellationTokenSource();
    await client.request(Methods.status, {}, source.token);
    await client.notify(Methods.exit);
    assert.deepEqual(c.sent[0], { method: 'dime/loadModel', params: [{ manifestPath: '/m.json' }] });
    assert.deepEqual(c.sent[1], { method: 'shutdown', params: [] });
    assert.equal(c.sent[2]!.params.length, 2);
    assert.equal(c.sent[2]!.params[1], source.token);
    assert.deepEqual(c.sent[3], { method: 'exit', params: [] });
  });

  test('progress goes to its own request only, well-formed, clamped, and stops afterwards', async () => {
    const c = new FakeConnection();
    const client = new DaemonClient(c);
    const seen: unknown[] = [];
    let token = '';
    c.reply = async (_m, params) => {
      token = (params[0] as { progressToken: string }).progressToken;
      const send = c.handlers.get(token)!;
      send({ phase: 'image', fraction: 0.25 });
      send({ phase: 'text', fraction: 1.7, message: 'words' });
      send({ phase: 3, fraction: 0.5 });
      send('garbage');
      return { ok: true };
    };
    const result = await client.requestWithProgress(
      Methods.explain,
      { modelId: 'm', sample: { datasetId: 'd', index: 0 } },
      (v) => seen.push(v),
    );
    assert.deepEqual(result, { ok: true });
    assert.match(token, /^dime-vscode-\d+$/);
    assert.deepEqual(seen, [
      { phase: 'image', fraction: 0.25 },
      { phase: 'text', fraction: 1, message: 'words' },
    ]);
    assert.equal(c.handlers.size, 0, 'the progress handler is disposed');
    const params = c.sent[0]!.params[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(params).sort(), ['modelId', 'progressToken', 'sample']);
  });

  test('two requests get different progress tokens', async () => {
    const c = new FakeConnection();
    const client = new DaemonClient(c);
    await client.requestWithProgress(Methods.explain, { modelId: 'm', sample: { datasetId: 'd', index: 0 } }, () => undefined);
    await client.requestWithProgress(Methods.explain, { modelId: 'm', sample: { datasetId: 'd', index: 1 } }, () => undefined);
    const tokens = c.sent.map((s) => (s.params[0] as { progressToken: string }).progressToken);
    assert.notEqual(tokens[0], tokens[1]);
  });

  test('error replies become typed DaemonRequestErrors', async () => {
    const c = new FakeConnection();
    const client = new DaemonClient(c);
    c.reply = async () => {
      throw new ResponseError(1301, 'the PNG is truncated', { name: 'ImageCorrupt', subject: 'images/0003.png' });
    };
    const error = await client.request(Methods.status, {}).catch((e: unknown) => e);
    assert.ok(error instanceof DaemonRequestError);
    assert.equal(error.code, 1301);
    assert.equal(error.errorName, 'ImageCorrupt');
    assert.equal(error.subject, 'images/0003.png');
    assert.equal(userMessage(error), 'Image corrupt (images/0003.png): the PNG is truncated [1301]');

    c.reply = async () => {
      throw new ResponseError(1104, 'unknown model m9');
    };
    const byCode = await client.request(Methods.status, {}).catch((e: unknown) => e);
    assert.ok(byCode instanceof DaemonRequestError);
    assert.equal(byCode.errorName, 'ModelNotLoaded');
  });

  test('cancellation (-32800) is recognised', async () => {
    const c = new FakeConnection();
    const client = new DaemonClient(c);
    c.reply = async () => {
      throw new ResponseError(ErrorCodes.RequestCancelled, 'Request cancelled');
    };
    const error = await client.request(Methods.status, {}).catch((e: unknown) => e);
    assert.ok(isCancellation(error));
    assert.equal(isCancellation(new Error('x')), false);
    assert.equal(isCancellation(new DaemonRequestError('x', 1000, 'InvalidArgument', undefined)), false);
  });

  test('progress value guard', () => {
    assert.ok(isProgressValue({ phase: 'p', fraction: 0 }));
    assert.equal(isProgressValue({ phase: 'p', fraction: Number.NaN }), false);
    assert.equal(isProgressValue({ phase: 'p', fraction: 0.5, message: 3 }), false);
    assert.equal(isProgressValue(null), false);
  });
});

describe('protocol names', () => {
  test('method names are unique and follow docs/protocol.md', () => {
    const names = Object.values(Methods);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^(initialize|shutdown|exit|dime\/[a-z][A-Za-z]+)$/);
    assert.equal(Notifications.progress, '$/progress');
    assert.equal(Notifications.cancelRequest, '$/cancelRequest');
  });

  test('error codes are unique and named', () => {
    const codes = Object.values(ErrorCodes);
    assert.equal(new Set(codes).size, codes.length);
    assert.equal(errorName(1203), 'PathOutsideDataset');
    assert.equal(errorName(-32800), 'RequestCancelled');
    assert.equal(errorName(4242), undefined);
  });
});
