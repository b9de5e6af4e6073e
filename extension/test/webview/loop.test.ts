import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ExplanationResult, OptionLimits } from '../../src/daemon/protocol';
import { fixture, Harness, post, posted } from './harness';

// The explanation panel's loop controls post the right messages, and a re-run keeps the old result in view.
const result = fixture<ExplanationResult>('explanation.json');
const h = new Harness();
before(() => h.start());
after(() => h.stop());

async function open(position?: { index: number; count: number }, limits?: OptionLimits): Promise<Page> {
  const page = await h.open('explanation');
  const imageUri = `${h.origin}/fixtures/explanation.png`;
  await post(page, { type: 'start', title: 'DIME: sample 0004', question: result.sample.question, imageUri });
  await post(page, { type: 'explanation', result, imageUri, ...(position ? { position } : {}), ...(limits ? { limits } : {}) });
  await page.waitForSelector('#app[data-state="done"] #loop');
  return page;
}

const sent = async (page: Page) => (await posted(page)).filter((m) => m.type !== 'ready' && m.type !== 'log');

describe('explanation panel loop (real bundle, headless Chromium)', () => {
  test('previous / next post a step; they are disabled at the ends and for an image with a typed question', async () => {
    let page = await open({ index: 4, count: 300 });
    assert.equal(await page.locator('#position').textContent(), 'sample 5 of 300');
    await page.locator('#next').click();
    await page.locator('#previous').click();
    assert.deepEqual(await sent(page), [
      { type: 'navigate', delta: 1 },
      { type: 'navigate', delta: -1 },
    ]);
    await page.close();
    page = await open({ index: 0, count: 2 });
    assert.equal(await page.locator('#previous').evaluate((b) => (b as HTMLElement & { disabled: boolean }).disabled), true);
    assert.equal(await page.locator('#next').evaluate((b) => (b as HTMLElement & { disabled: boolean }).disabled), false);
    await page.close();
    page = await open();
    for (const id of ['#previous', '#next']) assert.equal(await page.locator(id).evaluate((b) => (b as HTMLElement & { disabled: boolean }).disabled), true);
    await page.close();
  });

  test('edit the question and re-explain; an empty question is refused in place', async () => {
    const page = await open({ index: 4, count: 300 });
    await page.locator('#question-drawer summary').click();
    assert.equal(await page.locator('#question-editor').inputValue(), result.sample.question);
    await page.locator('#question-editor').fill('   ');
    await page.locator('#reexplain-question').click();
    assert.equal(await page.locator('#question-error').textContent(), 'Type a question.');
    await page.locator('#question-editor').fill('what is the color of the circle?');
    await page.locator('#reexplain-question').click();
    assert.deepEqual(await sent(page), [{ type: 'reexplain', question: 'what is the color of the circle?' }]);
    await page.close();
  });

  test('the settings drawer starts from the result\'s settings and re-runs with new ones', async () => {
    const page = await open({ index: 4, count: 300 });
    await page.locator('#settings-drawer summary').click();
    assert.equal(await page.locator('#set-image-samples').inputValue(), String(result.settings['imageSamples']));
    assert.equal(await page.locator('#set-reference-size').inputValue(), String(result.settings.referenceSize));
    await page.locator('#set-seed').fill('-3');
    await page.locator('#reexplain-settings').click();
    assert.match((await page.locator('#settings-error').textContent()) ?? '', /Seed must be a whole number/);
    assert.deepEqual(await sent(page), []);
    await page.locator('#set-seed').fill('7');
    await page.locator('#set-image-samples').fill('200');
    // (set the way the element does on a pick; a click on its option is what choose() does elsewhere)
    for (const [id, value] of [['#set-segmentation', 'grid'], ['#set-hide', 'blur']] as const) {
      await page.locator(id).evaluate((s, v) => {
        (s as HTMLElement & { value: string }).value = v;
        s.dispatchEvent(new Event('change'));
      }, value);
    }
    await page.locator('#reexplain-settings').click();
    assert.deepEqual(await sent(page), [
      { type: 'reexplain', settings: { imageSamples: 200, textSamples: 1000, referenceSize: 100, seed: 7, segmentation: 'grid', hide: 'blur', labels: 'all' } },
    ]);
    await page.close();
  });

  test('the drawer\'s bounds are the ones the daemon announced', async () => {
    // as initialize announces them (src/Dime.Daemon/Requests/ExplainOptionsDto.cs, Limits)
    const limits: OptionLimits = { imageSamples: { default: 1000, min: 10, max: 20000 }, textSamples: { default: 1000, min: 10, max: 20000 }, referenceSize: { default: 100, min: 1, max: 1000 }, seed: { default: 0, min: 0, max: 2147483647 } };
    const page = await open({ index: 4, count: 300 }, limits);
    await page.locator('#settings-drawer summary').click();
    assert.equal(await page.locator('#set-image-samples').getAttribute('max'), '20000');
    assert.equal(await page.locator('#set-reference-size').getAttribute('max'), '1000');
    await page.locator('#set-image-samples').fill('20001');
    await page.locator('#reexplain-settings').click();
    assert.equal(await page.locator('#settings-error').textContent(), 'Image samples must be a whole number from 10 to 20000.');
    await page.locator('#set-image-samples').fill('20000');
    await page.locator('#set-reference-size').fill('1001');
    await page.locator('#reexplain-settings').click();
    assert.equal(await page.locator('#settings-error').textContent(), 'N must be a whole number from 1 to 1000.');
    assert.deepEqual(await sent(page), []);
    await page.close();
  });

  test('pin is posted and kept in the panel state', async () => {
    const page = await open({ index: 4, count: 300 });
    await page.locator('#pin').click();
    assert.deepEqual(await sent(page), [{ type: 'pin', pinned: true }]);
    await page.reload();
    await page.waitForSelector('#app[data-state="done"] #loop');
    assert.equal(await page.locator('#pin').evaluate((c) => (c as HTMLElement & { checked: boolean }).checked), true);
    await page.close();
  });

  test('a re-run keeps the previous result in view; cancel says so; retry after an error', async () => {
    const page = await open({ index: 4, count: 300 });
    await post(page, { type: 'start', title: 'DIME: sample 0004 (edited question)', question: 'what?' });
    await page.waitForSelector('#app[data-state="running"]');
    assert.equal(await page.locator('canvas.overlay').count(), 3, 'the old heatmaps stay');
    assert.equal(await page.locator('#content.stale').count(), 1);
    assert.equal(await page.locator('#retry').isVisible(), false);
    await post(page, { type: 'cancelled' });
    await page.waitForSelector('#app[data-state="cancelled"]');
    assert.equal(await page.locator('#status-message').textContent(), 'Cancelled: the panel still shows the previous result.');
    assert.equal(await page.locator('#content.stale').count(), 0);
    await page.locator('#retry').click();
    await post(page, { type: 'start', title: 'again' });
    await post(page, { type: 'error', message: 'Model not loaded' });
    await page.waitForSelector('#app[data-state="error"]');
    await page.locator('#retry').click();
    assert.deepEqual(await sent(page), [{ type: 'retry' }, { type: 'retry' }]);
    await post(page, { type: 'note', text: 'This is the last sample of the dataset (300).' });
    await page.waitForFunction(() => document.getElementById('note')?.textContent === 'This is the last sample of the dataset (300).');
    await page.close();
  });
});
