// node:test reporter: one line per test, failures with their error, and a last line
// "N passed, N failed" (exactly that) that CI sums across suites; skipped tests count as failed.
import { relative } from 'node:path';

export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  for await (const event of source) {
    const { type, data } = event;
    if ((type === 'test:pass' || type === 'test:fail') && data.details?.type === 'suite') continue;
    const indent = '  '.repeat(data?.nesting ?? 0);
    if (type === 'test:pass') {
      if (data.skip || data.todo) {
        skipped++;
        yield `${indent}- ${data.name} (skipped${typeof data.skip === 'string' ? `: ${data.skip}` : ''})\n`;
      } else {
        passed++;
        yield `${indent}✔ ${data.name} (${Math.round(data.details?.duration_ms ?? 0)} ms)\n`;
      }
    } else if (type === 'test:fail') {
      failed++;
      const err = data.details?.error;
      const cause = err?.cause ?? err;
      const message = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause?.message ?? cause);
      failures.push(`${data.name}${data.file ? ` (${relative(process.cwd(), data.file)})` : ''}\n    ${message.split('\n').slice(0, 12).join('\n    ')}`);
      yield `${indent}✖ ${data.name}\n`;
    } else if (type === 'test:diagnostic' && !/^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+$/.test(data.message)) {
      yield `# ${data.message}\n`;
    } else if (type === 'test:stderr' || type === 'test:stdout') {
      yield data.message;
    }
  }
  if (failures.length) yield `\nFailures:\n${failures.map((f, i) => `${i + 1}) ${f}`).join('\n')}\n`;
  // A skipped test is not a passed one: it counts as failed (the repository's test-all.sh does the same).
  if (skipped) yield `\n${skipped} skipped (counted as failed)`;
  yield `\n${passed} passed, ${failed + skipped} failed\n`;
}
