// Compares two outputs of a DIME run (explain-dataset or dataset), e.g. a merged one and a single-process one:
//   node scripts/slurm/compare-outputs.mjs A B
// Equal means: the same run.json and index.jsonl / samples.jsonl bytes, and every result.json / dataset.json equal
// apart from "timings" (wall-clock measurements). Prints what differs; exits 0 when equal.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: compare-outputs.mjs FOLDER_A FOLDER_B');
  process.exit(2);
}

const differences = [];
const sameBytes = (file) => {
  const [x, y] = [join(a, file), join(b, file)];
  if (!existsSync(x) || !existsSync(y)) differences.push(`${file}: missing in ${existsSync(x) ? b : a}`);
  else if (!readFileSync(x).equals(readFileSync(y))) differences.push(`${file}: contents differ`);
};
const sameJson = (file) => {
  const read = (folder) => {
    const value = JSON.parse(readFileSync(join(folder, file), 'utf8'));
    delete value.timings;
    return JSON.stringify(value);
  };
  if (!existsSync(join(a, file)) || !existsSync(join(b, file))) differences.push(`${file}: missing`);
  else if (read(a) !== read(b)) differences.push(`${file}: numbers differ`);
};

const run = JSON.parse(readFileSync(join(a, 'run.json'), 'utf8'));
sameBytes('run.json');
let count = 0;
if (run.kind === 'explain-dataset') {
  sameBytes('index.jsonl');
  for (const line of readFileSync(join(a, 'index.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line);
    if (entry.result) sameJson(entry.result);
    count++;
  }
} else {
  sameBytes('samples.jsonl');
  sameJson('dataset.json');
  count = readFileSync(join(a, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean).length;
}

if (differences.length > 0) {
  console.log(`${a} and ${b} differ:\n  ${differences.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
console.log(`${a} and ${b} are equal (${run.kind}, ${count} samples)`);
