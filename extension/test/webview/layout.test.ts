import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { PanelKind } from '../../src/panels/messages';
import { fixture, Harness, post, RESULTS, ROOT } from './harness';

// Measures the real panels in Chromium at three widths: no two text or image boxes overlap, nothing is
// clipped or scrolls sideways. Text is measured by its line boxes (Range.getClientRects), images, canvases
// and controls by their element boxes.
const WIDTHS = [600, 1000, 1600, 2000] as const;
/** DIME_README_SHOTS=1: also write the README's panel screenshots (1000 px wide, the top 1500 px). */
const README_IMAGES = join(ROOT, '..', 'docs', 'images');
const README_FILES: Record<string, string> = { explanation: 'panel.png', compare: 'compare.png', dataset: 'overview.png' };
const h = new Harness();
before(() => h.start());
after(() => h.stop());

async function show(page: Page, kind: PanelKind): Promise<void> {
  if (kind === 'dataset') {
    const result = fixture('dataset.json');
    await post(page, { type: 'start', title: 'DIME overview: samples.jsonl · mini-CLEVR clean' });
    await post(page, { type: 'dataset', result });
    await page.waitForSelector('#app[data-state="done"] #samples-table');
    return;
  }
  const name = kind === 'compare' ? 'compare' : 'explanation';
  const imageUri = `${h.origin}/fixtures/${name}.png`;
  const result = fixture(`${name}.json`);
  const title = kind === 'compare' ? 'DIME compare: sample 0282 · mini-CLEVR clean vs mini-CLEVR biased' : 'DIME: sample 0004 · mini-CLEVR clean';
  await post(page, { type: 'start', title, imageUri });
  await post(page, { type: kind, result, imageUri });
  await page.waitForSelector('#app[data-state="done"] canvas.overlay[data-part="mi"][data-coloured]');
  await page.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete));
}

export interface LayoutProblems {
  scrollWidth: number;
  viewport: number;
  boxes: number;
  overlaps: string[];
  clipped: string[];
}

/** Runs in the page. */
function measure(): LayoutProblems {
  interface Box {
    r: DOMRect;
    el: Element;
    what: string;
  }
  const app = document.getElementById('app')!;
  const boxes: Box[] = [];
  const label = (el: Element, text?: string) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}${text ? ` “${text.slice(0, 30)}”` : ''}`;
  // the content of a closed <details> keeps its layout boxes in Chromium but is not shown
  const shown = (el: Element): boolean => {
    for (let d = el.closest('details'); d; d = d.parentElement?.closest('details') ?? null) {
      if (!(d as HTMLDetailsElement).open && !el.closest('summary')) return false;
    }
    return true;
  };
  const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode as Text;
    const text = node.textContent ?? '';
    if (!text.trim() || !node.parentElement) continue;
    // the options of a closed select are not shown (the select draws its value itself)
    if (node.parentElement.closest('vscode-option') || !shown(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0.5 && r.height > 0.5) boxes.push({ r, el: node.parentElement, what: label(node.parentElement, text.trim()) });
  }
  const solid = 'img, .overlay-wrap, canvas.legend-bar, vscode-single-select, vscode-button, vscode-checkbox, input, .prob, .share-bar, .feature-bar';
  for (const el of app.querySelectorAll(solid)) {
    const r = el.getBoundingClientRect();
    if (shown(el) && r.width > 0.5 && r.height > 0.5) boxes.push({ r, el, what: label(el) });
  }
  const viewport = document.documentElement.clientWidth;
  const overlaps: string[] = [];
  const clipped: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i]!;
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j]!;
      if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const hgt = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 1 && hgt > 1) overlaps.push(`${a.what} × ${b.what}`);
    }
    if (a.r.left < -0.5 || a.r.right > viewport + 0.5) clipped.push(`${a.what} spans ${a.r.left.toFixed(0)}..${a.r.right.toFixed(0)} of ${viewport}`);
    for (let p = a.el.parentElement; p && p !== app; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const pr = p.getBoundingClientRect();
      if (a.r.left < pr.left - 0.5 || a.r.right > pr.right + 0.5 || a.r.top < pr.top - 0.5 || a.r.bottom > pr.bottom + 0.5) clipped.push(`${a.what} clipped by ${label(p)}`);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, viewport, boxes: boxes.length, overlaps: overlaps.slice(0, 12), clipped: clipped.slice(0, 12) };
}

describe('layout at 600, 1000, 1600 and 2000 px (real bundles, headless Chromium)', () => {
  for (const kind of ['explanation', 'compare', 'dataset'] as const) {
    test(`${kind}: no overlaps, nothing clipped, no sideways scrolling`, async (t) => {
      const page = await h.open(kind);
      await show(page, kind);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await page.waitForTimeout(100);
        const m = await page.evaluate(measure);
        await page.screenshot({ path: join(RESULTS, `layout-${kind}-${width}.png`), fullPage: true });
        if (width === 1000 && process.env['DIME_README_SHOTS'] === '1') {
          mkdirSync(README_IMAGES, { recursive: true });
          const height = await page.evaluate(() => document.documentElement.scrollHeight);
          await page.screenshot({ path: join(README_IMAGES, README_FILES[kind]!), fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, 1500) } });
        }
        t.diagnostic(`${kind} @ ${width} px: ${m.boxes} boxes, ${m.overlaps.length} overlaps, ${m.clipped.length} clipped, page ${m.scrollWidth} px wide`);
        assert.ok(m.boxes > 20, `${kind} @ ${width}: ${m.boxes} boxes measured`);
        assert.ok(m.scrollWidth <= m.viewport + 1, `${kind} @ ${width}: the page scrolls sideways (${m.scrollWidth} > ${m.viewport})`);
        assert.deepEqual(m.overlaps, [], `${kind} @ ${width}: overlapping boxes`);
        assert.deepEqual(m.clipped, [], `${kind} @ ${width}: clipped boxes`);
      }
      await page.close();
    });
  }

  test('image cells grow with the panel: a third of its width, crisp upscaling', async (t) => {
    const page = await h.open('explanation');
    await show(page, 'explanation');
    const sizes: number[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      const cells = await page.locator('.image-cell .overlay-wrap').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.left, y: r.top, w: r.width })));
      assert.equal(cells.length, 3);
      // M | UC | MI side by side: one row, left to right
      assert.ok(cells[0]!.x < cells[1]!.x && cells[1]!.x < cells[2]!.x && Math.abs(cells[0]!.y - cells[2]!.y) < 1, `${width}: side by side`);
      const w = cells[0]!.w;
      assert.ok(w <= width / 3 && w > width / 3 - 60, `${width}: a cell is ${w.toFixed(0)} px, about a third of the panel`);
      sizes.push(w);
    }
    t.diagnostic(`image cell width at ${WIDTHS.join(' / ')} px: ${sizes.map((s) => s.toFixed(0)).join(' / ')} px`);
    assert.ok(sizes[2]! > 2.4 * sizes[0]!, `cells grow: ${sizes.map((s) => s.toFixed(0)).join(' → ')}`);
    assert.ok(sizes[2]! > 400, '1600 px panel: a cell is over 400 px (was 226)');
    assert.equal(await page.locator('.overlay-wrap.crisp canvas.overlay').first().evaluate((c) => getComputedStyle(c).imageRendering), 'pixelated');
    // words beneath the images, also M | UC | MI
    const imageBottom = await page.locator('.image-modality').evaluate((e) => e.getBoundingClientRect().bottom);
    const wordsTop = await page.locator('.text-modality').evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(wordsTop >= imageBottom);
    await page.close();
  });

  test('the compare panel stacks the models when narrow, side by side when wide', async () => {
    const page = await h.open('compare');
    await show(page, 'compare');
    const columns = async () => page.locator('.compare-column').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.left, y: r.top })));
    await page.setViewportSize({ width: 1000, height: 900 });
    let c = await columns();
    assert.ok(Math.abs(c[0]!.x - c[1]!.x) < 1 && c[1]!.y > c[0]!.y, 'stacked at 1000 px');
    await page.setViewportSize({ width: 1600, height: 900 });
    c = await columns();
    assert.ok(c[1]!.x > c[0]!.x && Math.abs(c[1]!.y - c[0]!.y) < 1, 'side by side at 1600 px');
    await page.close();
  });
});
