import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InitializeResult } from '../../src/daemon/protocol';
import { presentStatus } from '../../src/daemon/statusPresentation';
import { bundledModels, isInside, looksLikeManifest, mayLoad, modelName } from '../../src/models/modelCatalog';
import { stderrLevel } from '../../src/util/logger';

const info = (fallbackReason?: string): InitializeResult => ({
  serverInfo: { name: 'Dime.Daemon', version: '0.1.0' },
  protocolVersion: 1,
  capabilities: { methods: [], segmentations: [], hideModes: [], textMasks: [], options: {} },
  versions: { daemon: '0.1.0', dotnet: '10.0.1', onnxRuntime: '1.31.0' },
  device: { kind: 'cpu', requested: 'auto', name: 'CPU', ...(fallbackReason ? { fallbackReason } : {}) },
});

describe('status bar presentation', () => {
  test('each state has its text and click', () => {
    assert.equal(presentStatus({ state: 'starting', inFlight: 0 }).text, '$(loading~spin) DIME: starting');
    assert.equal(presentStatus({ state: 'stopped', inFlight: 0 }).command, 'dime.restartDaemon');
    const failed = presentStatus({ state: 'failed', inFlight: 0, error: 'exited 5 times' });
    assert.equal(failed.text, '$(error) DIME: failed');
    assert.equal(failed.severity, 'error');
    assert.equal(failed.command, 'dime.restartDaemon');
    assert.match(failed.tooltip, /exited 5 times/);
  });

  test('ready and busy show the device; a CUDA fallback is a warning with its reason', () => {
    const ready = presentStatus({ state: 'running', inFlight: 0, info: info() });
    assert.equal(ready.text, '$(pulse) DIME: ready · CPU');
    assert.equal(ready.severity, 'normal');
    const busy = presentStatus({ state: 'running', inFlight: 2, info: info('libcudart.so.13 not found') });
    assert.equal(busy.text, '$(sync~spin) DIME: busy (2) · CPU');
    assert.equal(busy.severity, 'warning');
    assert.match(busy.tooltip, /Fallback: libcudart\.so\.13 not found/);
    assert.match(busy.tooltip, /ONNX Runtime 1\.31\.0/);
  });
});

describe('model catalog and trust', () => {
  test('bundled models: the VSIX copy first, else the repository demo', () => {
    const inVsix = bundledModels('/ext', (f) => f === '/ext/demo/models/clean/manifest.json');
    assert.equal(inVsix[0]!.manifestPath, '/ext/demo/models/clean/manifest.json');
    assert.equal(inVsix[1]!.manifestPath, '/ext/demo/models/biased/manifest.json');
    const dev = bundledModels('/repo/extension', (f) => f.startsWith('/repo/demo/'));
    assert.equal(dev[0]!.manifestPath, '/repo/demo/models/clean/manifest.json');
    assert.ok(dev.every((m) => m.source === 'bundled'));
  });

  test('only bundled manifests load in an untrusted workspace', () => {
    const bundled = bundledModels('/ext', () => true);
    assert.ok(mayLoad('/ext/demo/models/biased/manifest.json', bundled, false));
    assert.ok(mayLoad('/ext/demo/models/../models/clean/manifest.json', bundled, false));
    assert.equal(mayLoad('/ws/evil/manifest.json', bundled, false), false);
    assert.ok(mayLoad('/ws/mine/manifest.json', bundled, true));
  });

  test('isInside and manifest sniffing', () => {
    assert.ok(isInside('/ws/a/b.json', ['/ws']));
    assert.equal(isInside('/wsx/b.json', ['/ws']), false);
    assert.equal(isInside('/ws/../etc/passwd', ['/ws']), false);
    assert.ok(looksLikeManifest('{"labels": ["yes"], "graphs": {}}'));
    assert.equal(looksLikeManifest('{"name": "package"}'), false);
    assert.equal(looksLikeManifest('not json'), false);
  });
});

describe('logging', () => {
  test('daemon stderr levels', () => {
    assert.equal(stderrLevel('info: Dime.Daemon[0] ready'), 'info');
    assert.equal(stderrLevel('warn: Dime.Daemon[0] CUDA unavailable'), 'warn');
    assert.equal(stderrLevel('fail: Dime.Daemon[3] boom'), 'error');
    assert.equal(stderrLevel('crit: x'), 'error');
    assert.equal(stderrLevel('dbug: x'), 'debug');
    assert.equal(stderrLevel('[trace] x'), 'trace');
    assert.equal(stderrLevel('Unhandled exception. System.Exception'), 'info');
    assert.equal(stderrLevel('10:06:29.772 [warning] CUDA provider not found'), 'warn');
    assert.equal(stderrLevel('10:06:29.772 [error] boom'), 'error');
    assert.equal(stderrLevel('10:06:29.772 [debug] x'), 'debug');
  });
});

describe('model names', () => {
  test('a model is called by its manifest name, else its folder, never its absolute path', () => {
    assert.equal(modelName('/home/me/models/clean/manifest.json', JSON.stringify({ name: 'mini-CLEVR clean', labels: [] })), 'mini-CLEVR clean');
    assert.equal(modelName('/home/me/models/biased/manifest.json', '{"labels": []}'), 'biased');
    assert.equal(modelName('/home/me/models/biased/manifest.json', 'not json'), 'biased');
    assert.equal(modelName('/x/manifest.json', JSON.stringify({ name: '   ' })), 'x');
  });
});
