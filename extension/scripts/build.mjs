// Bundles the extension (Node, CommonJS, `vscode` external), one browser bundle per webview panel
// (with its CSS), and with --tests the test files (Node, CommonJS, packages external).
// Usage: node scripts/build.mjs [--production] [--tests] [--watch]
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const tests = args.has('--tests');
const watch = args.has('--watch');

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    entryPoints: [join(root, 'src/extension.ts')],
    outfile: join(root, 'dist/extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
  },
  {
    entryPoints: ['explanation', 'dataset', 'compare'].map((kind) => ({ in: join(root, 'webview', kind, 'main.ts'), out: kind })),
    outdir: join(root, 'media/dist'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
  },
];

if (tests) {
  const entries = [];
  for (const suite of ['unit', 'webview', 'e2e']) {
    const dir = join(root, 'test', suite);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.test.ts')) entries.push({ in: join(dir, f), out: join(suite, f.replace(/\.ts$/, '')) });
  }
  rmSync(join(root, 'out/test'), { recursive: true, force: true });
  builds.push({
    entryPoints: entries,
    outdir: join(root, 'out/test'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built ${builds.length} bundle set(s) in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
