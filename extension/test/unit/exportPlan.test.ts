import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { countOnDisk, exportTargets, folderName } from '../../src/panels/exportPlan';

describe('export plan', () => {
  test('one result goes into the chosen folder itself', () => {
    assert.deepEqual(exportTargets('/x/out', [{ resultId: 'a', name: 'mini-CLEVR clean' }]), [{ resultId: 'a', folder: '/x/out' }]);
  });

  test('a comparison writes one subfolder per model, named after it, never the same twice', () => {
    const t = exportTargets('/x/out', [
      { resultId: 'a', name: 'mini-CLEVR clean' },
      { resultId: 'b', name: 'mini-CLEVR biased' },
      { resultId: 'c', name: 'mini-CLEVR clean' },
    ]);
    assert.deepEqual(t.map((x) => x.folder), ['/x/out/mini-CLEVR-clean', '/x/out/mini-CLEVR-biased', '/x/out/mini-CLEVR-clean-3']);
    assert.equal(new Set(t.map((x) => x.folder)).size, 3);
  });

  test('folder names are safe', () => {
    assert.equal(folderName('../../etc/passwd'), 'etc-passwd');
    assert.equal(folderName('   '), 'result');
    assert.equal(folderName('a/b\\c:d'), 'a-b-c-d');
    assert.ok(folderName('x'.repeat(200)).length <= 64);
  });

  test('the count is what is on disk: an overwritten file counts once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dime-export-'));
    try {
      // the old bug: both models wrote result.json and report.html into the same folder
      const same = ['result.json', 'report.html'].map((f) => join(dir, f));
      for (const f of [...same, ...same]) writeFileSync(f, 'x');
      assert.equal(countOnDisk([...same, ...same], existsSync), 2);
      // the plan: each model in its own folder keeps both
      const written: string[] = [];
      for (const t of exportTargets(dir, [{ resultId: 'a', name: 'clean' }, { resultId: 'b', name: 'biased' }])) {
        mkdirSync(t.folder, { recursive: true });
        for (const f of ['result.json', 'report.html']) {
          writeFileSync(join(t.folder, f), t.resultId);
          written.push(join(t.folder, f));
        }
      }
      assert.equal(countOnDisk(written, existsSync), 4);
      assert.equal(countOnDisk([...written, join(dir, 'missing.png')], existsSync), 4, 'a file the daemon named but did not write is not counted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
