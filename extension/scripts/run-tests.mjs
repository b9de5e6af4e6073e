// Runs one test suite (unit | webview | e2e) from out/test/<suite> with node:test and the summary reporter.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suite = process.argv[2];
if (!['unit', 'webview', 'e2e'].includes(suite ?? '')) {
  console.error('usage: node scripts/run-tests.mjs unit|webview|e2e');
  process.exit(2);
}
const dir = join(root, 'out/test', suite);
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.cjs')).sort().map((f) => join(dir, f)) : [];
if (files.length === 0) {
  console.error(`no compiled tests in ${dir}: run node scripts/build.mjs --tests`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '--test',
    `--test-concurrency=${suite === 'unit' ? 2 : 1}`,
    `--test-reporter=${join(root, 'scripts/test-reporter.mjs')}`,
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
