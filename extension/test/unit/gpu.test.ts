import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commandLine, daemonArgs } from '../../src/daemon/launchSpec';
import { enableMessage, parseEnableReport } from '../../src/gpu/enableReport';

// What `Dime.Daemon gpu enable --json` printed on this machine (no NVIDIA driver, no CUDA), from NuGet's cached package.
const REAL_REPORT =
  '{"folder":"/tmp/live-gpu/onnxruntime-gpu-1.31.0","package":"Microsoft.ML.OnnxRuntime.Gpu.Linux","version":"1.31.0","sha512":"cZhkav\\u002BzM0582qgdS/QZUJ5gdf1ZEdYO/sTzRVJKyiTFlnHNY5M/0ssKGkAam3/mVUcW8XuqsMpjfCBGD3v0nQ==","downloaded":true,' +
  '"missing":[{"library":"libcuda.so.1","providedBy":"the NVIDIA driver"},{"library":"libcudart.so.13","providedBy":"the CUDA 13 runtime"},{"library":"libcudnn.so.9","providedBy":"cuDNN 9"}],' +
  '"cuda":"this machine lacks libcuda.so.1 (the NVIDIA driver), libcudart.so.13 (the CUDA 13 runtime), libcudnn.so.9 (cuDNN 9): install the NVIDIA driver, CUDA 13 and cuDNN 9 (or put their lib folders on LD_LIBRARY_PATH), then restart the daemon"}\n';

describe('DIME: Enable GPU', () => {
  test('the daemon is started on the installed natives, and gpu enable runs the way serve does', () => {
    const base = { cacheFolder: '/gs/cache', parentPid: 7, logLevel: 'info' as const };
    assert.deepEqual(daemonArgs(base).includes('--ort-natives'), false);
    assert.deepEqual(daemonArgs({ ...base, ortNatives: '/gs/gpu/onnxruntime-gpu-1.31.0' }).slice(-2), ['--ort-natives', '/gs/gpu/onnxruntime-gpu-1.31.0']);
    const exe = { command: '/ext/daemon/Dime.Daemon', args: [], source: 'bundled' as const, target: '/ext/daemon/Dime.Daemon' };
    assert.deepEqual(commandLine(exe, ['gpu', 'enable']), { command: '/ext/daemon/Dime.Daemon', args: ['gpu', 'enable'] });
    const dll = { command: 'dotnet', args: [], source: 'development' as const, target: '/repo/Dime.Daemon.dll' };
    assert.deepEqual(commandLine(dll, ['gpu', 'enable']), { command: 'dotnet', args: ['/repo/Dime.Daemon.dll', 'gpu', 'enable'] });
  });

  test('the report is read and the message names what this machine lacks', () => {
    const report = parseEnableReport(REAL_REPORT);
    assert.equal(report.sha512.startsWith('cZhkav+zM0'), true);
    assert.deepEqual(report.missing.map((m) => m.library), ['libcuda.so.1', 'libcudart.so.13', 'libcudnn.so.9']);
    const warning = enableMessage(report);
    assert.equal(warning.level, 'warning');
    assert.match(warning.text, /^DIME: Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux 1\.31\.0 was downloaded and verified \(SHA-512\), but this machine lacks libcuda\.so\.1 \(the NVIDIA driver\), libcudart\.so\.13 \(the CUDA 13 runtime\), libcudnn\.so\.9 \(cuDNN 9\)/);
    assert.match(warning.text, /Until then the daemon runs on the CPU\.$/);
    const ready = enableMessage({ ...report, missing: [], downloaded: false, cuda: 'the CUDA 13 and cuDNN 9 libraries load' });
    assert.deepEqual(ready, { level: 'info', text: 'DIME: Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 is installed; the daemon restarted with its CUDA provider.' });
  });

  test('anything but the report is refused with what was printed', () => {
    assert.throws(() => parseEnableReport('fetching …'), /printed no JSON: fetching/);
    assert.throws(() => parseEnableReport('{"folder":"/x"}'), /unexpected report/);
    assert.throws(() => parseEnableReport(REAL_REPORT.replace('"downloaded":true', '"downloaded":"yes"')), /unexpected report/);
  });
});
