// Runs many explanations in a row through the real daemon over stdio and reports its resident memory
// (VmRSS) before, during and after: a check that nothing grows with the number of explanations.
//   node scripts/soak.mjs [count=200] [samples=200] [distinct samples=10]
// Needs: dotnet build src/Dime.Daemon -c Release, and extension/node_modules (for vscode-jsonrpc).
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const root = resolve(new URL('..', import.meta.url).pathname);
const require = createRequire(join(root, 'extension', 'package.json'));
const rpc = require('vscode-jsonrpc/node');

const count = Number(process.argv[2] ?? 200);
const samples = Number(process.argv[3] ?? 200);
// the same 10 samples over and over with new seeds: every explanation is computed anew, and the model's bounded
// cache of encodings (which new samples would fill up to its limit) does not blur the measurement
const distinct = Number(process.argv[4] ?? 10);
const cache = mkdtempSync(join(tmpdir(), 'dime-soak-'));
const daemon = spawn('dotnet', [join(root, 'src/Dime.Daemon/bin/Release/net10.0/Dime.Daemon.dll'), 'serve', '--stdio', '--cache', cache, '--log-level', 'warning'], { stdio: ['pipe', 'pipe', 'inherit'] });
const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(daemon.stdout), new rpc.StreamMessageWriter(daemon.stdin));
connection.listen();

const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${daemon.pid}/status`, 'utf8'))[1]) / 1024;

await connection.sendRequest('initialize', { clientInfo: { name: 'soak', version: '1' }, device: 'cpu' });
const model = await connection.sendRequest('dime/loadModel', { manifestPath: join(root, 'demo/models/clean/manifest.json') });
const dataset = await connection.sendRequest('dime/openDataset', { path: join(root, 'demo/dataset/samples.jsonl') });
const options = (seed) => ({ imageSamples: samples, textSamples: samples, referenceSize: 100, seed });

// warm up: the first explanations fill the reference grid, the JIT and ONNX Runtime's arenas
for (let i = 0; i < 10; i++) {
  await connection.sendRequest('dime/explain', { modelId: model.modelId, sample: { datasetId: dataset.datasetId, index: i }, options: options(100000 + i) });
}
global.gc?.();
const before = rssMiB();
const started = Date.now();
const marks = [];
for (let i = 0; i < count; i++) {
  const result = await connection.sendRequest('dime/explain', { modelId: model.modelId, sample: { datasetId: dataset.datasetId, index: i % distinct }, options: options(i) });
  if (result.cached) throw new Error(`explanation ${i} came from the cache`);
  if ((i + 1) % 50 === 0) {
    marks.push(`${i + 1}: ${rssMiB().toFixed(0)} MiB`);
    process.stderr.write(`soak: ${marks.at(-1)}\n`);
  }
}
const after = rssMiB();
const seconds = (Date.now() - started) / 1000;
console.log(`explanations: ${count} (S = ${samples} per modality, N = 100), ${seconds.toFixed(1)} s, ${(seconds / count).toFixed(2)} s each`);
console.log(`resident memory after warm-up: ${before.toFixed(1)} MiB; after ${count} more: ${after.toFixed(1)} MiB (${(after - before >= 0 ? '+' : '')}${(after - before).toFixed(1)} MiB)`);
console.log(`along the way: ${marks.join(', ')}`);
await connection.sendRequest('shutdown');
await connection.sendNotification('exit');
rmSync(cache, { recursive: true, force: true });
