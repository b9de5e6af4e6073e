/**
 * End to end in real VS Code (code-server 4.139.1 = VS Code 1.139.1, headless Debian Chromium):
 * install the VSIX, open the demo dataset folder, open samples.jsonl, click the CodeLens on a sample,
 * wait for the panel, check the prediction and M = UC + MI, start a second explanation and cancel it,
 * open the dataset overview, open a stored explain-dataset output (written by the real daemon's command line)
 * and one of its stored explanations; screenshots and logs go to test-results/e2e/.
 *
 * Environment:
 *   DIME_E2E_VSIX     the VSIX to install (default: extension/dime-vscode.vsix, built by `npm run package`)
 *   DIME_E2E_DATASET  the dataset folder to open (default: <repo>/demo/dataset)
 *   DIME_E2E_DAEMON   a daemon executable to use instead of the bundled one (dime.daemon.path);
 *                     `npm run test:e2e:stub` points it at test/e2e/stub-daemon.cjs (fixture answers)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { CodeServer, ROOT } from './codeServer';

const RESULTS = join(ROOT, 'test-results', 'e2e');
const VSIX = process.env['DIME_E2E_VSIX'] ?? join(ROOT, 'dime-vscode.vsix');
const STUB = process.env['DIME_E2E_DAEMON'];
const DATASET = resolve(process.env['DIME_E2E_DATASET'] ?? join(ROOT, '..', 'demo', 'dataset'));
/** An explain-dataset output the test writes with the real daemon, opened by a keybinding with the folder as args. */
const STORED = join(tmpdir(), `dime-e2e-stored-${process.pid}`);
const STORED_KEY = 'ctrl+alt+shift+o';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
/** The repository README's screenshots: e2e shot name -> file in <repo>/docs/images. */
const README_IMAGES = join(ROOT, '..', 'docs', 'images');
const README_SHOTS: Record<string, string> = { explanation: 'panel.png', overview: 'overview.png' };
const LABELS = ['yes', 'no', 'red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'gray', 'circle', 'square', 'triangle', 'cross', '0', '1', '2', '3', '4', 'small', 'large'];

const baseSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'chat.disableAIFeatures': true,
  'editor.codeLens': true,
  'files.autoSave': 'off',
  'git.openRepositoryInParentFolders': 'never',
  'dime.device': 'cpu',
  ...(STUB ? { 'dime.daemon.path': STUB } : {}),
};

let server: CodeServer | undefined;
let context: BrowserContext | undefined;
let page: Page;
let dataset = DATASET;
let ready = false;

/** The webview content of the most recently opened DIME panel (two iframes deep). */
function panel(index: number): FrameLocator {
  return page.locator('iframe.webview.ready').nth(index).contentFrame().locator('#active-frame').contentFrame();
}

/** The DIME panel whose title contains `text` (hidden panels drop their iframe, so indexes move). */
async function panelTitled(text: string, timeoutMs = 60_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const n = await page.locator('iframe.webview.ready').count();
    for (let i = n - 1; i >= 0; i--) {
      const title = await panel(i).locator('#title').textContent({ timeout: 1000 }).catch(() => null);
      if (title?.includes(text)) return panel(i);
    }
    await page.waitForTimeout(250);
  }
  await shot(`no-panel-${text.replace(/\W+/g, '-')}`);
  const titles = await page.locator('.tabs-container .tab').allTextContents();
  throw new Error(`no DIME panel titled "${text}" within ${timeoutMs / 1000} s (tabs: ${titles.join(' | ')})`);
}

async function shot(name: string, target?: Locator): Promise<void> {
  await (target ?? page).screenshot({ path: join(RESULTS, `${name}.png`) }).catch(() => undefined);
}

/**
 * DIME_E2E_README_SHOTS=1 (real daemon only) also refreshes the repository README's screenshots,
 * docs/images/panel.png (the explanation panel) and overview.png: the window made wide
 * enough that, with the side bar hidden and the editor groups of even width, the panel's group is about
 * 1000 px wide; the shot is of that group only. Nothing is maximized (a maximized editor group left the
 * command box inert for the tests after it), and the side bar, the group sizes and the window size are
 * put back afterwards.
 */
async function readmeShot(name: string, tab: string): Promise<void> {
  const file = README_SHOTS[name];
  if (process.env['DIME_E2E_README_SHOTS'] !== '1' || STUB || !file) return;
  const size = page.viewportSize();
  const groups = await page.locator('.editor-group-container').count();
  await page.setViewportSize({ width: 60 + 1040 * Math.max(1, groups), height: 1300 });
  await runCommand('Notifications: Clear All Notifications');
  await runCommand('View: Toggle Primary Side Bar Visibility');
  await runCommand('View: Reset Editor Group Sizes');
  // the panel's editor group becomes the active one
  await page.locator('.tabs-container .tab', { hasText: tab }).first().click();
  await page.waitForTimeout(1500);
  await shot(`readme-${name}`, page.locator('.editor-group-container.active'));
  await runCommand('View: Toggle Primary Side Bar Visibility');
  if (size) await page.setViewportSize(size);
  await runCommand('View: Reset Editor Group Sizes');
  await page.waitForTimeout(1000);
  assert.ok(existsSync(join(RESULTS, `readme-${name}.png`)), `README screenshot ${name}`);
  mkdirSync(README_IMAGES, { recursive: true });
  copyFileSync(join(RESULTS, `readme-${name}.png`), join(README_IMAGES, file));
}

/** The rows of the explorer's "DIME: Recent Explanations" view. */
function recentRows(): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Recent Explanations/i }) }).locator('.monaco-list-row');
}

/** Expands the explorer's "DIME: Recent Explanations" section when it is collapsed. */
async function expandRecent(): Promise<void> {
  const header = page.locator('.pane-header', { hasText: /Recent Explanations/i }).first();
  await header.waitFor({ timeout: 30_000 });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
}

async function dimeLogTail(): Promise<string> {
  if (!server) return '';
  const logs = server.collectLogs(join(RESULTS, 'logs'));
  const dime = logs.find((l) => l.endsWith('DIME.log'));
  return dime ? readFileSync(dime, 'utf8').split('\n').slice(-25).join('\n') : '(no DIME.log)';
}

async function runCommand(title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** A scratch copy of the fixture dataset when the repository's demo dataset is not there (stub runs only). */
function scratchDataset(): string {
  const dir = join(tmpdir(), `dime-e2e-dataset-${process.pid}`);
  mkdirSync(join(dir, 'images'), { recursive: true });
  const questions = ['is there a red circle?', 'what shape is the small green object?', 'what color is the large square?', 'how many crosses are there?'];
  const answers = ['yes', 'triangle', 'blue', '1'];
  const lines = questions.map((q, i) => {
    copyFileSync(join(ROOT, 'test', 'fixtures', 'explanation.png'), join(dir, 'images', `${String(i).padStart(4, '0')}.png`));
    return JSON.stringify({ id: String(i).padStart(4, '0'), image: `images/${String(i).padStart(4, '0')}.png`, question: q, answer: answers[i] });
  });
  writeFileSync(join(dir, 'samples.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

function samplesOf(folder: string): { id: string; question: string; answer?: string }[] {
  return readFileSync(join(folder, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; question: string; answer?: string });
}

before(async () => {
  mkdirSync(RESULTS, { recursive: true });
  const missing = CodeServer.toolsMissing();
  if (missing) throw new Error(missing);
  if (!existsSync(VSIX)) throw new Error(`no VSIX at ${VSIX}: run "npm run package" (after scripts/stage-daemon.sh and scripts/stage-demo.sh)`);
  if (!existsSync(join(dataset, 'samples.jsonl'))) {
    if (!STUB) throw new Error(`no demo dataset at ${dataset} (demo/dataset/samples.jsonl): set DIME_E2E_DATASET`);
    dataset = scratchDataset();
  }
});

after(async () => {
  if (server) await dimeLogTail().catch(() => undefined);
  await context?.close().catch(() => undefined);
  await server?.stop();
  if (dataset !== DATASET) rmSync(dataset, { recursive: true, force: true });
  rmSync(STORED, { recursive: true, force: true });
});

describe(`DIME in code-server (${STUB ? 'STUB daemon' : 'bundled daemon'})`, () => {
  test('installs the VSIX into a fresh code-server', async () => {
    server = new CodeServer(join(RESULTS, 'code-server.log'));
    server.writeSettings(baseSettings);
    writeFileSync(join(server.userData, 'User', 'keybindings.json'), JSON.stringify([{ key: STORED_KEY, command: 'dime.openDatasetResult', args: STORED }]));
    const out = server.installExtension(VSIX);
    assert.match(out, /successfully installed/i);
  });

  test('opens the dataset folder; the extension reports "DIME: ready"', async () => {
    assert.ok(server);
    await server.start(dataset);
    context = await chromium.launchPersistentContext(join(server.scratch, 'chromium'), {
      executablePath: process.env['DIME_CHROMIUM'] ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1800, height: 1100 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/?folder=${encodeURIComponent(dataset)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    const status = page.locator('.statusbar-item', { hasText: /DIME: (ready|failed)/ });
    try {
      await status.first().waitFor({ timeout: 120_000 });
    } catch (error) {
      await shot('startup');
      throw new Error(`no DIME status item: ${String(error)}\n${await dimeLogTail()}`, { cause: error });
    }
    const text = (await status.first().textContent()) ?? '';
    if (!/DIME: ready/.test(text)) {
      await shot('startup-failed');
      assert.fail(`the daemon did not start ("${text.trim()}"):\n${await dimeLogTail()}`);
    }
    ready = true;
  });

  test('the CodeLens on a sample opens a panel with the prediction and M = UC + MI', async (t) => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('samples.jsonl');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'samples.jsonl' }).first().waitFor();
    await page.keyboard.press('Enter');
    const lens = page.locator('.codelens-decoration a', { hasText: 'Explain with DIME' });
    await lens.first().waitFor({ timeout: 60_000 });
    await shot('codelens');
    await lens.first().click();

    const view = panel(0);
    const app = view.locator('#app');
    await app.locator('#question').waitFor({ timeout: 60_000 });
    await view.locator('#app[data-state="done"], #app[data-state="error"]').waitFor({ timeout: 300_000 });
    if ((await app.getAttribute('data-state')) === 'error') {
      await shot('explanation-error');
      assert.fail(`the explanation failed: ${await view.locator('#status-message').textContent()}\n${await dimeLogTail()}`);
    }
    const sample = samplesOf(dataset)[0]!;
    assert.equal(await view.locator('#question').textContent(), sample.question);
    const predicted = (await view.locator('#prediction').textContent()) ?? '';
    assert.ok(LABELS.includes(predicted), `predicted "${predicted}" is one of the model's labels`);
    assert.equal(await view.locator('#top-answers li.predicted .answer-label').textContent(), predicted);
    const top = await view.locator('#top-answers li .answer-label').first().textContent();
    assert.equal(top, predicted, 'the prediction is the most probable answer');
    if (process.env['DIME_E2E_EXPECT'] !== undefined) assert.equal(predicted, process.env['DIME_E2E_EXPECT']);
    t.diagnostic(`sample ${sample.id}: "${sample.question}" -> predicted "${predicted}", ground truth "${sample.answer ?? '?'}"`);

    const [m, uc, mi] = await Promise.all(['#value-m', '#value-uc', '#value-mi'].map(async (id) => Number(await view.locator(id).getAttribute('data-value'))));
    assert.ok([m, uc, mi].every(Number.isFinite), `values ${m} ${uc} ${mi}`);
    assert.ok(Math.abs(m! - (uc! + mi!)) <= 1e-6 * Math.max(1, Math.abs(m!)), `M ${m} = UC ${uc} + MI ${mi}`);
    assert.equal(await view.locator('canvas.overlay').count(), 3);
    assert.ok(Number(await view.locator('canvas.overlay[data-part="m"]').getAttribute('data-coloured')) > 0, 'the M overlay colours some regions');
    await page.waitForTimeout(500);
    await shot('explanation');
    await shot('explanation-panel', page.locator('iframe.webview.ready').first());
    await readmeShot('explanation', `DIME: sample ${samplesOf(dataset)[0]!.id}`);
  });

  test('Reproduce in the details computes the explanation again, bit for bit', async (t) => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    const view = panel(0);
    await view.locator('#details summary').click();
    assert.match((await view.locator('#provenance-table').textContent()) ?? '', /sha256 [0-9a-f]{12}/);
    await view.locator('#reproduce').click();
    const outcome = view.locator('#reproduce-outcome:not([data-state="running"])');
    await outcome.waitFor({ timeout: 300_000 });
    const text = (await outcome.textContent()) ?? '';
    t.diagnostic(`reproduce: ${text}`);
    assert.equal(await outcome.getAttribute('data-state'), 'identical', `${text}\n${await dimeLogTail()}`);
    assert.match(text, /^Identical: \d+ numbers, bit for bit/);
    await shot('explanation-reproduced', page.locator('iframe.webview.ready').first());
  });

  test('previous / next and a new explanation reuse the one panel; partial heatmaps come first', async (t) => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    const samples = samplesOf(dataset);
    const dimeTabs = page.locator('.tabs-container .tab', { hasText: /^DIME: / });
    assert.equal(await dimeTabs.count(), 1);
    let view = await panelTitled(`sample ${samples[0]!.id}`);
    await view.locator('#next').click();
    view = await panelTitled(`sample ${samples[1]!.id}`);
    await view.locator('#app[data-state="done"]').waitFor({ timeout: 300_000 });
    // the model is loaded: the panel drew the partial fits as the rows arrived, before the result
    const partials = Number(await view.locator('#app').getAttribute('data-partials'));
    const firstPartialMs = Number(await view.locator('#app').getAttribute('data-first-partial-ms'));
    t.diagnostic(`sample ${samples[1]!.id}: ${partials} partial heatmaps drawn, the first ${firstPartialMs} ms after the request`);
    assert.ok(partials >= 1, 'partial heatmaps were drawn while the rows arrived');
    assert.equal(await view.locator('#question').textContent(), samples[1]!.question);
    assert.equal(await view.locator('#position').textContent(), `sample 2 of ${samples.length}`);
    await view.locator('#previous').click();
    view = await panelTitled(`sample ${samples[0]!.id}`);
    await view.locator('#app[data-state="done"]').waitFor({ timeout: 300_000 });
    assert.equal(await view.locator('#question').textContent(), samples[0]!.question);
    // the CodeLens of another sample goes to the same (unpinned) panel
    await page.locator('.tabs-container .tab', { hasText: 'samples.jsonl' }).first().click();
    await page.locator('.codelens-decoration a', { hasText: 'Explain with DIME' }).nth(2).click();
    view = await panelTitled(`sample ${samples[2]!.id}`);
    await view.locator('#app[data-state="done"]').waitFor({ timeout: 300_000 });
    assert.equal(await dimeTabs.count(), 1, `one DIME tab: ${(await page.locator('.tabs-container .tab').allTextContents()).join(' | ')}`);
    await shot('reused');
  });

  test('edit the question and re-explain in place; pin keeps the panel', async () => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    const samples = samplesOf(dataset);
    let view = await panelTitled(`sample ${samples[2]!.id}`);
    const question = 'is there a red circle?' === samples[2]!.question ? 'is there a blue square?' : 'is there a red circle?';
    await view.locator('#question-drawer summary').click();
    await view.locator('#question-editor').fill(question);
    await view.locator('#reexplain-question').click();
    view = await panelTitled('(edited question)');
    await view.locator('#app[data-state="done"], #app[data-state="error"]').waitFor({ timeout: 300_000 });
    assert.equal(await view.locator('#app').getAttribute('data-state'), 'done', (await view.locator('#status-message').textContent()) ?? '');
    assert.equal(await view.locator('#question').textContent(), question);
    const [m, uc, mi] = await Promise.all(['#value-m', '#value-uc', '#value-mi'].map(async (id) => Number(await view.locator(id).getAttribute('data-value'))));
    assert.ok(Math.abs(m! - (uc! + mi!)) <= 1e-6 * Math.max(1, Math.abs(m!)), `M ${m} = UC ${uc} + MI ${mi}`);
    assert.equal(await page.locator('.tabs-container .tab', { hasText: /^DIME: / }).count(), 1);
    await view.locator('#pin').click();
    await shot('edited-question');
  });

  test('a second explanation can be cancelled from its panel', async (t) => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    assert.ok(server);
    // make the next explanation long enough to cancel
    server.writeSettings({ ...baseSettings, 'dime.explain.imageSamples': 20_000, 'dime.explain.textSamples': 20_000 });
    await page.waitForTimeout(1500);
    // back to the dataset editor: the first editor group holds samples.jsonl
    await page.locator('.tabs-container .tab', { hasText: 'samples.jsonl' }).first().click();
    const lens = page.locator('.codelens-decoration a', { hasText: 'Explain with DIME' });
    await lens.nth(1).click();
    const t0 = Date.now();
    const view = await panelTitled(`sample ${samplesOf(dataset)[1]!.id}`);
    await view.locator('#app[data-state="running"]').waitFor({ timeout: 60_000 });
    t.diagnostic(`running after ${Date.now() - t0} ms`);
    await view.locator('#cancel').click();
    t.diagnostic(`cancel clicked after ${Date.now() - t0} ms`);
    await view.locator('#app[data-state="cancelled"]').waitFor({ timeout: 60_000 });
    t.diagnostic(`cancelled after ${Date.now() - t0} ms`);
    assert.ok(Date.now() - t0 < 30_000, 'the cancellation took effect long before the work would have ended');
    assert.equal(await view.locator('#phase').textContent(), 'Cancelled.');
    await shot('cancelled');
    server.writeSettings(baseSettings);
    await page.waitForTimeout(1000);
  });

  test('compare two models, then export: each model in its own subfolder, the toast counts what is on disk', async (t) => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    await page.locator('.tabs-container .tab', { hasText: 'samples.jsonl' }).first().click();
    await runCommand('DIME: Compare Models on Sample…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'mini-CLEVR biased' }).first().click({ timeout: 30_000 });
    const view = await panelTitled('DIME compare');
    await view.locator('#app[data-state="done"], #app[data-state="error"]').waitFor({ timeout: 600_000 });
    assert.equal(await view.locator('#app').getAttribute('data-state'), 'done', (await view.locator('#status-message').textContent()) ?? '');
    assert.deepEqual(await view.locator('.model-name').allTextContents(), ['mini-CLEVR clean', 'mini-CLEVR biased']);
    await shot('compare');
    await readmeShot('compare', 'DIME compare');

    const target = join(tmpdir(), `dime-e2e-export-${process.pid}`);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    await view.locator('#export').click();
    // VS Code's own (simple) folder dialog: it fills in its start folder first; then type ours and accept it
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value ?? '') !== '', undefined, { timeout: 15_000 });
    await page.waitForTimeout(500);
    await input.fill(`${target}/`);
    await page.waitForTimeout(1000);
    if ((await input.inputValue()) !== `${target}/`) await input.fill(`${target}/`);
    await page.waitForTimeout(500);
    await shot('export-dialog');
    assert.equal(await input.inputValue(), `${target}/`, 'the export folder is typed into the dialog');
    // accept; should the dialog still be open (it navigated instead), type the folder again and accept again
    const ok = page.locator('.quick-input-widget .monaco-button', { hasText: 'Export Here' });
    for (let attempt = 0; attempt < 3 && (await input.isVisible()); attempt++) {
      if ((await input.inputValue()) !== `${target}/`) {
        await input.fill(`${target}/`);
        await page.waitForTimeout(1000);
      }
      if (await ok.isVisible().catch(() => false)) await ok.click();
      else await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
      t.diagnostic(`export dialog, attempt ${attempt + 1}: ${(await input.isVisible()) ? `still open at "${await input.inputValue()}"` : 'accepted'}`);
    }
    const toast = page.locator('.notification-toast', { hasText: /DIME: exported \d+ files/ });
    await toast.first().waitFor({ timeout: 60_000 });
    const said = Number(/exported (\d+) files/.exec((await toast.first().textContent()) ?? '')?.[1]);
    const files = ['mini-CLEVR-clean', 'mini-CLEVR-biased'].flatMap((m) => ['result.json', 'report.html'].map((f) => join(target, m, f)));
    for (const f of files) assert.ok(existsSync(f), `${f} exists`);
    const onDisk = readdirSync(target, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    t.diagnostic(`the toast says ${said} files; ${onDisk} are on disk`);
    assert.equal(said, onDisk);
    const clean = JSON.parse(readFileSync(join(target, 'mini-CLEVR-clean', 'result.json'), 'utf8')) as { model: { name: string } };
    assert.equal(clean.model.name, 'mini-CLEVR clean', "the clean model's result is not overwritten");
    rmSync(target, { recursive: true, force: true });
  });

  test('the Recent Explanations view lists the results and opens one from the stored result, not computed again', async (t) => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    const samples = samplesOf(dataset);
    await expandRecent();
    const rows = recentRows();
    await rows.first().waitFor({ timeout: 30_000 });
    const texts = await rows.allTextContents();
    t.diagnostic(`recent: ${texts.join(' | ')}`);
    assert.match(texts[0] ?? '', /mini-CLEVR clean vs mini-CLEVR biased/, 'the comparison is the newest entry');
    const wanted = `sample ${samples[1]!.id} · mini-CLEVR clean`;
    assert.ok(texts.some((x) => x.includes(wanted)), `"${wanted}" is listed`);
    const before = Date.now();
    await rows.filter({ hasText: wanted }).first().click();
    const view = await panelTitled(`sample ${samples[1]!.id}`);
    await view.locator('#app[data-state="done"]').waitFor({ timeout: 30_000 });
    t.diagnostic(`shown after ${Date.now() - before} ms`);
    assert.equal(await view.locator('#question').textContent(), samples[1]!.question);
    const [m, uc, mi] = await Promise.all(['#value-m', '#value-uc', '#value-mi'].map(async (id) => Number(await view.locator(id).getAttribute('data-value'))));
    assert.ok(Math.abs(m! - (uc! + mi!)) <= 1e-6 * Math.max(1, Math.abs(m!)), `M ${m} = UC ${uc} + MI ${mi}`);
    await page.waitForTimeout(1000);
    const log = await dimeLogTail();
    assert.match(log, new RegExp(`opened the stored explanation of sample ${samples[1]!.id} \\(`), 'read back from the result cache');
    await shot('recent');

    // the comparison is still open: reopening it brings that panel forward instead of opening another
    const compareTabs = page.locator('.tabs-container .tab', { hasText: /^DIME compare/ });
    const open = await compareTabs.count();
    assert.ok(open >= 1, 'the comparison panel is open');
    await rows.first().click();
    await panelTitled('DIME compare');
    await page.waitForTimeout(1000);
    assert.equal(await compareTabs.count(), open, `no second comparison tab: ${(await page.locator('.tabs-container .tab').allTextContents()).join(' | ')}`);
    assert.match(await dimeLogTail(), /brought forward the panel that shows the comparison of/);
  });

  test('the dataset overview opens from the palette (EMAP, shares, samples)', async () => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    await page.locator('.tabs-container .tab', { hasText: 'samples.jsonl' }).first().click();
    await runCommand('DIME: Explain Dataset…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(String(Math.min(20, samplesOf(dataset).length)));
    await page.keyboard.press('Enter');
    const view = await panelTitled('DIME overview');
    await view.locator('#app[data-state="done"], #app[data-state="error"]').waitFor({ timeout: 600_000 });
    assert.equal(await view.locator('#app').getAttribute('data-state'), 'done', (await view.locator('#status-message').textContent()) ?? '');
    assert.ok((await view.locator('#samples-table tbody tr').count()) > 0);
    await view.locator('#emap-gap').waitFor();
    await page.waitForTimeout(500);
    await shot('overview');
    await readmeShot('overview', 'DIME overview');
  });
  test('a stored explain-dataset output opens in the overview; a row opens its stored explanation', async () => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    // The real daemon's command line writes the output (the staged one of the VSIX, else the repository build).
    const daemon = [join(ROOT, 'daemon', 'Dime.Daemon'), join(ROOT, '..', 'src', 'Dime.Daemon', 'bin', 'Release', 'net10.0', 'Dime.Daemon')].find((p) => existsSync(p));
    assert.ok(daemon, 'no daemon executable: scripts/stage-daemon.sh or dotnet build -c Release');
    const model = join(ROOT, '..', 'demo', 'models', 'clean', 'manifest.json');
    const run = spawnSync(daemon, ['--log-level', 'warning', 'explain-dataset', '--model', model, '--dataset', join(dataset, 'samples.jsonl'), '--range', '0:3',
      '--image-samples', '50', '--text-samples', '50', '--reference-size', '4', '--out', STORED], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(run.status, 0, run.stderr);
    const lines = readFileSync(join(STORED, 'index.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; prediction: { label: string } });

    await page.locator('.tabs-container .tab', { hasText: 'samples.jsonl' }).first().click();
    await page.keyboard.press('Control+Alt+Shift+O');
    const view = await panelTitled('DIME stored explanations');
    await view.locator('#app[data-state="done"] #stored-summary').waitFor({ timeout: 60_000 });
    assert.equal(await view.locator('#samples-table tbody tr').count(), 3);
    await view.locator('th[data-sort="id"] button').click();
    assert.deepEqual(await view.locator('#samples-table tbody tr a.link').allTextContents(), lines.map((l) => l.id).sort());
    await shot('stored-overview');

    await view.locator('#samples-table tbody tr a.link', { hasText: lines[0]!.id }).click();
    const explanation = await panelTitled(`sample ${lines[0]!.id}`);
    await explanation.locator('#app[data-state="done"] canvas.overlay').first().waitFor({ timeout: 60_000 });
    assert.equal(await explanation.locator('#prediction').textContent(), lines[0]!.prediction.label);
    await shot('stored-explanation');
  });
});

describe('DIME after a window reload', () => {
  test('the panels are restored from their saved state (WebviewPanelSerializer)', async (t) => {
    if (!ready) assert.fail('VS Code or the daemon is not ready (see the first failure)');
    // Which editors come back is the workbench's own state, flushed asynchronously: give it time.
    await page.waitForTimeout(3000);
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    // the pinned panel (its question edited) is the first of the explanation tabs
    const tabs = page.locator('.tabs-container .tab', { hasText: /^DIME: sample .* · / });
    await tabs.first().waitFor({ timeout: 60_000 });
    t.diagnostic(`restored tabs: ${(await page.locator('.tabs-container .tab').allTextContents()).join(' | ')}`);
    await tabs.first().click();
    const title = ((await tabs.first().textContent()) ?? '').trim();
    const explanation = await panelTitled(title.replace(/\s+$/, ''), 60_000);
    // rendered from the webview's saved state: the daemon is not asked again
    await explanation.locator('#app[data-state="done"] canvas.overlay[data-coloured]').first().waitFor({ timeout: 30_000 });
    assert.ok(['yes', ...LABELS].includes((await explanation.locator('#prediction').textContent()) ?? ''));
    // the Recent Explanations view comes back from the workspace state
    await expandRecent();
    await recentRows().first().waitFor({ timeout: 30_000 });
    assert.match((await recentRows().first().textContent()) ?? '', /mini-CLEVR clean vs mini-CLEVR biased/);
    await shot('restored');
  });
});
