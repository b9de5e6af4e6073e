#!/usr/bin/env node
// A STAND-IN for Dime.Daemon, used by `npm run test:e2e:stub`: it speaks the protocol of
// docs/protocol.md over stdio and answers every sample with the same recorded result from
// test/fixtures (one real daemon result, relabelled with the asked sample), so the end-to-end
// harness (code-server, VSIX, CodeLens, panel, cancel) can be exercised without .NET.
// Long requests report progress and honour $/cancelRequest. Not a model: never use it for results.
const fs = require('node:fs');
const path = require('node:path');
const { createMessageConnection, StreamMessageReader, StreamMessageWriter, ResponseError } = require('vscode-jsonrpc/node');

const fixtures = path.join(__dirname, '..', 'fixtures');
const explanation = JSON.parse(fs.readFileSync(path.join(fixtures, 'explanation.json'), 'utf8'));
const datasetResult = JSON.parse(fs.readFileSync(path.join(fixtures, 'dataset.json'), 'utf8'));
const log = (m) => process.stderr.write(`info: [stub daemon] ${m}\n`);
const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
const device = { kind: 'cpu', requested: 'cpu', name: 'stub CPU', fallbackReason: 'stub daemon: no inference at all' };
const models = new Map();
const datasets = new Map();
let shutdown = false;
let counter = 0;

log(`started: ${process.argv.slice(2).join(' ')}`);
connection.onRequest('initialize', (p) => ({
  serverInfo: { name: 'Dime.Daemon (stub)', version: '0.0.0-stub' },
  protocolVersion: 1,
  capabilities: { methods: ['dime/explain'], segmentations: ['slic'], hideModes: ['mean'], textMasks: ['delete'] },
  versions: { daemon: '0.0.0-stub', dotnet: 'none', onnxRuntime: 'none' },
  device: { ...device, requested: p.device || 'auto' },
}));
connection.onRequest('shutdown', () => ((shutdown = true), null));
connection.onNotification('exit', () => process.exit(shutdown ? 0 : 1));

connection.onRequest('dime/loadModel', ({ manifestPath }) => {
  if (!fs.existsSync(manifestPath)) throw new ResponseError(1100, `no manifest at ${manifestPath}`, { name: 'ModelNotFound', subject: manifestPath });
  const name = JSON.parse(fs.readFileSync(manifestPath, 'utf8')).name || path.basename(path.dirname(manifestPath));
  const info = { ...explanation.model, modelId: `m${models.size + 1}`, name, manifestPath, device };
  models.set(info.modelId, info);
  return info;
});

function openDataset(file, format) {
  if (!fs.existsSync(file)) throw new ResponseError(1200, `no dataset at ${file}`, { name: 'DatasetNotFound', subject: file });
  const samples = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l, line) => [l, line]).filter(([l]) => l.trim() !== '').map(([l, line], index) => {
    const row = JSON.parse(l);
    return { index, id: String(row.id ?? line + 1), imagePath: path.resolve(path.dirname(file), row.image), question: row.question, answer: row.answer, line: line + 1 };
  });
  const info = { datasetId: `ds${datasets.size + 1}`, path: file, format: format || 'jsonl', count: samples.length, folder: path.dirname(file) };
  datasets.set(info.datasetId, { info, samples });
  return { info, samples };
}

connection.onRequest('dime/openDataset', ({ path: file, format }) => openDataset(file, format).info);

connection.onRequest('dime/findSample', ({ path: file, line, id, format }) => {
  const { info, samples } = openDataset(file, format);
  const sample = samples.find((s) => (line !== undefined ? s.line === line : s.id === id));
  if (!sample) throw new ResponseError(1202, `line ${line} of ${path.basename(file)} is not a sample`, { name: 'SampleNotFound', subject: `line ${line}` });
  return { dataset: info, sample };
});

connection.onRequest('dime/listSamples', ({ datasetId, offset = 0, limit = 100 }) => {
  const d = datasets.get(datasetId);
  if (!d) throw new ResponseError(1200, `unknown dataset ${datasetId}`, { name: 'DatasetNotFound' });
  return { total: d.samples.length, samples: d.samples.slice(offset, offset + limit) };
});

async function work(params, token, steps, ms) {
  for (let i = 1; i <= steps; i++) {
    if (token.isCancellationRequested) {
      log(`cancelled at step ${i} of ${steps}`);
      throw new ResponseError(-32800, 'Request cancelled');
    }
    await new Promise((r) => setTimeout(r, ms));
    if (params.progressToken) await connection.sendNotification('$/progress', params.progressToken, { phase: i <= steps / 2 ? 'image' : 'text', fraction: i / steps });
  }
  if (token.isCancellationRequested) throw new ResponseError(-32800, 'Request cancelled');
}

connection.onRequest('dime/explain', async (params, token) => {
  const model = models.get(params.modelId);
  if (!model) throw new ResponseError(1104, `unknown model ${params.modelId}`, { name: 'ModelNotLoaded' });
  const d = datasets.get(params.sample.datasetId);
  const s = d ? d.samples[params.sample.index] : undefined;
  if (!s) throw new ResponseError(1202, 'no such sample', { name: 'SampleNotFound' });
  const slow = (params.options && params.options.imageSamples) >= 5000;
  log(`explain sample ${s.index}${slow ? ' (slow)' : ''}`);
  await work(params, token, slow ? 600 : 8, slow ? 100 : 150);
  return { ...explanation, resultId: `r${++counter}`, model, device, sample: { ...explanation.sample, ...s, width: 128, height: 128 } };
});

connection.onRequest('dime/explainDataset', async (params, token) => {
  const model = models.get(params.modelId);
  const d = datasets.get(params.datasetId);
  await work(params, token, 10, 150);
  const samples = datasetResult.samples.filter((x) => x.index < d.samples.length).map((x) => ({ ...x, id: d.samples[x.index].id, question: d.samples[x.index].question, answer: d.samples[x.index].answer }));
  return { ...datasetResult, resultId: `d${++counter}`, model, device, dataset: d.info, count: Math.min(params.count || 100, d.samples.length), samples };
});

connection.onRequest('dime/export', ({ resultId, folder }) => {
  fs.writeFileSync(path.join(folder, `${resultId}.json`), '{}');
  return { files: [path.join(folder, `${resultId}.json`)] };
});
connection.listen();
