import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { datasetFields, DEFAULT_SETTINGS, explainOptions, parseSettings } from '../../src/config/settings';
import { daemonArgs, resolveLaunchSpec } from '../../src/daemon/launchSpec';

const from = (values: Record<string, unknown>) => (key: string) => values[key];

describe('settings', () => {
  test('unset settings give the defaults and no warnings', () => {
    const { settings, warnings } = parseSettings(from({}));
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.deepEqual(warnings, []);
  });

  test('valid values are taken', () => {
    const { settings, warnings } = parseSettings(
      from({
        'daemon.path': '  /opt/dime/Dime.Daemon  ',
        'daemon.logLevel': 'debug',
        device: 'cpu',
        'dataset.fields': { image: 'img', question: 'q' },
        'explain.imageSamples': 250,
        'explain.seed': 42,
        'explain.segmentation': 'grid',
        'codeLens.enabled': false,
      }),
    );
    assert.deepEqual(warnings, []);
    assert.equal(settings.daemonPath, '/opt/dime/Dime.Daemon');
    assert.equal(settings.logLevel, 'debug');
    assert.equal(settings.device, 'cpu');
    assert.deepEqual(settings.fields, { image: 'img', question: 'q', answer: 'answer', id: 'id' });
    assert.equal(settings.explain.imageSamples, 250);
    assert.equal(settings.explain.seed, 42);
    assert.equal(settings.explain.segmentation, 'grid');
    assert.equal(settings.codeLens.enabled, false);
  });

  test('invalid values fall back to defaults with one warning each', () => {
    const { settings, warnings } = parseSettings(
      from({
        device: 'tpu',
        'daemon.path': 42,
        'explain.imageSamples': 3.5,
        'explain.textSamples': -1,
        'explain.referenceSize': '100',
        'codeLens.enabled': 'yes',
        'dataset.fields': { image: 'has space', question: 7 },
      }),
    );
    assert.equal(settings.device, 'auto');
    assert.equal(settings.daemonPath, '');
    // invalid options are left to the daemon's default (undefined: not sent)
    assert.equal(settings.explain.imageSamples, undefined);
    assert.equal(settings.explain.textSamples, undefined);
    assert.equal(settings.explain.referenceSize, undefined);
    assert.equal(settings.codeLens.enabled, true);
    assert.deepEqual(settings.fields, DEFAULT_SETTINGS.fields);
    assert.equal(warnings.length, 8);
    assert.ok(warnings.some((w) => w.includes('dime.device must be one of auto, cuda, cpu')));
    assert.ok(warnings.some((w) => w.includes('dime.dataset.fields.image')));
  });

  test('whole-number options are checked against the bounds the daemon announced, and only sent when set', () => {
    const limits = { imageSamples: { default: 1000, min: 10, max: 20000 }, 'quality.stabilityRuns': { default: 0, min: 0, max: 10 } };
    const over = parseSettings(from({ 'explain.imageSamples': 50000, 'explain.stabilityRuns': 20 }), limits);
    assert.equal(over.settings.explain.imageSamples, undefined);
    assert.equal(over.settings.explain.stabilityRuns, undefined);
    assert.deepEqual(over.warnings, [
      'dime.explain.imageSamples must be an integer in [10, 20000]; using the daemon\'s default (1000)',
      'dime.explain.stabilityRuns must be an integer in [0, 10]; using the daemon\'s default (0)',
    ]);
    const atMax = parseSettings(from({ 'explain.imageSamples': 20000 }), limits);
    assert.equal(explainOptions(atMax.settings).imageSamples, 20000);
    // before the daemon has answered initialize, the bounds are its own to check
    assert.equal(parseSettings(from({ 'explain.imageSamples': 50000 })).settings.explain.imageSamples, 50000);
    assert.equal(explainOptions(DEFAULT_SETTINGS).imageSamples, undefined);
  });

  test('dataset.fields that is not an object is refused', () => {
    const { settings, warnings } = parseSettings(from({ 'dataset.fields': ['image'] }));
    assert.deepEqual(settings.fields, DEFAULT_SETTINGS.fields);
    assert.equal(warnings.length, 1);
  });

  test('explainOptions maps settings to the protocol', () => {
    const { settings } = parseSettings(from({ 'explain.stabilityRuns': 3, 'explain.hide': 'blur', 'explain.textMask': 'mask', 'explain.labels': 'all' }));
    assert.deepEqual(explainOptions(settings), {
      labels: 'all',
      segmentation: { method: 'auto' },
      hide: { mode: 'blur' },
      textMask: 'mask',
      quality: { stabilityRuns: 3 },
    });
    assert.equal(explainOptions(DEFAULT_SETTINGS).quality, undefined);
    assert.equal(explainOptions(DEFAULT_SETTINGS).labels, 'top');
  });

  test('partners are sent only when set, and 0 asks for exact', () => {
    assert.equal(explainOptions(DEFAULT_SETTINGS).partners, undefined);
    assert.equal(explainOptions(DEFAULT_SETTINGS).partnerEstimator, undefined);
    const { settings } = parseSettings(from({ 'explain.partners': 20, 'explain.partnerEstimator': 'shared' }));
    assert.equal(explainOptions(settings).partners, 20);
    assert.equal(explainOptions(settings).partnerEstimator, 'shared');
    assert.equal(explainOptions(parseSettings(from({ 'explain.partners': 0 })).settings).partners, 0);
    const bad = parseSettings(from({ 'explain.partners': -3, 'explain.partnerEstimator': 'some' }));
    assert.equal(bad.settings.explain.partners, undefined);
    assert.equal(bad.warnings.length, 2);
  });

  test('datasetFields sends only the fields that differ from the defaults', () => {
    assert.equal(datasetFields(DEFAULT_SETTINGS.fields), undefined);
    assert.deepEqual(datasetFields({ ...DEFAULT_SETTINGS.fields, question: 'text' }), { question: 'text' });
  });
});

describe('launch spec', () => {
  const base = { extensionPath: '/ext', cacheFolder: '/gs/cache', parentPid: 4242, logLevel: 'info' as const };
  const files = (m: Record<string, number>) => (f: string) => m[f];

  test('daemon arguments', () => {
    assert.deepEqual(daemonArgs(base), ['serve', '--stdio', '--parent-pid', '4242', '--cache', '/gs/cache', '--log-level', 'info']);
  });

  test('the setting wins: an executable runs directly, a dll through dotnet', () => {
    const exe = resolveLaunchSpec({ ...base, settingPath: '/opt/Dime.Daemon', mtime: files({ '/opt/Dime.Daemon': 1, '/ext/daemon/Dime.Daemon': 1 }) });
    assert.deepEqual(exe, { command: '/opt/Dime.Daemon', args: daemonArgs(base), source: 'setting', target: '/opt/Dime.Daemon' });
    const dll = resolveLaunchSpec({ ...base, settingPath: '/opt/Dime.Daemon.dll', mtime: files({ '/opt/Dime.Daemon.dll': 1 }) });
    assert.ok(!('error' in dll));
    assert.equal(dll.command, 'dotnet');
    assert.deepEqual(dll.args, ['/opt/Dime.Daemon.dll', ...daemonArgs(base)]);
  });

  test('a setting that points nowhere is an error, not a fallback', () => {
    const r = resolveLaunchSpec({ ...base, settingPath: '/missing', mtime: files({ '/ext/daemon/Dime.Daemon': 1 }) });
    assert.ok('error' in r && r.error.includes('/missing'));
  });

  test('the bundled daemon comes before development builds', () => {
    const r = resolveLaunchSpec({ ...base, settingPath: '', mtime: files({ '/ext/daemon/Dime.Daemon': 1, '/src/Dime.Daemon/bin/Debug/net10.0/Dime.Daemon.dll': 5 }) });
    assert.ok(!('error' in r));
    assert.equal(r.source, 'bundled');
    assert.equal(r.command, '/ext/daemon/Dime.Daemon');
  });

  test('in development the newest build (Debug or Release) runs with dotnet', () => {
    const r = resolveLaunchSpec({
      ...base,
      settingPath: '',
      mtime: files({ '/src/Dime.Daemon/bin/Debug/net10.0/Dime.Daemon.dll': 5, '/src/Dime.Daemon/bin/Release/net10.0/Dime.Daemon.dll': 9 }),
    });
    assert.ok(!('error' in r));
    assert.equal(r.source, 'development');
    assert.equal(r.args[0], '/src/Dime.Daemon/bin/Release/net10.0/Dime.Daemon.dll');
  });

  test('nothing found: an error that says where it looked', () => {
    const r = resolveLaunchSpec({ ...base, settingPath: '', mtime: files({}) });
    assert.ok('error' in r);
    assert.match(r.error, /\/ext\/daemon\/Dime\.Daemon/);
    assert.match(r.error, /bin\/Debug\/net10\.0\/Dime\.Daemon\.dll/);
  });
});
