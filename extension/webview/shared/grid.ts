/**
 * The 3x2 grid of one explanation for one label: rows M, UC, MI; columns image overlay and word
 * highlights; one shared scale. Re-rendering on a control change touches only canvases and spans.
 */
import type { ExplanationResult, PartName, PartStability } from '../../src/daemon/protocol';
import type { ViewOptions } from '../../src/panels/messages';
import { formatValue, formatWeight } from './colorScale';
import { h } from './dom';
import { drawOverlay, segmentAt } from './overlay';
import { borderColor, editorBackground } from './theme';
import { hideTooltip, showTooltip } from './tooltip';
import { explanationFor, PARTS, ranks, valuesFor, visibleFeatures } from './view';
import { renderWords } from './words';

const PART_TITLES: Record<PartName, [string, string]> = {
  m: ['M', 'the model'],
  uc: ['UC', 'unimodal contributions'],
  mi: ['MI', 'multimodal interactions'],
};

interface Row {
  part: PartName;
  value: HTMLElement;
  canvas?: HTMLCanvasElement;
  words?: HTMLElement;
  imageBadges: HTMLElement;
  textBadges: HTMLElement;
}

export class ExplanationGrid {
  readonly element: HTMLElement;
  private readonly rows: Row[] = [];
  private label = 0;
  private view: ViewOptions | undefined;

  constructor(
    private readonly result: ExplanationResult,
    imageUri: string,
  ) {
    this.element = h('div', { class: 'grid', attrs: { role: 'table', 'aria-label': 'M, UC and MI explanations' } });
    this.element.append(
      h('div', { class: 'grid-head', attrs: { role: 'columnheader' } }),
      h('div', { class: 'grid-head', text: 'Image regions', attrs: { role: 'columnheader' } }),
      h('div', { class: 'grid-head', text: 'Question words', attrs: { role: 'columnheader' } }),
    );
    for (const part of PARTS) {
      const [short, long] = PART_TITLES[part];
      const value = h('span', { class: 'row-value', data: { part } });
      const head = h('div', { class: 'row-head', attrs: { role: 'rowheader' } }, h('span', { class: 'row-name', text: short }), h('span', { class: 'row-desc', text: long }), value);
      const imageBadges = h('div', { class: 'badges' });
      const textBadges = h('div', { class: 'badges' });
      const row: Row = { part, value, imageBadges, textBadges };
      const imageCell = h('div', { class: 'cell image-cell', data: { part } }, imageBadges);
      if (result.image) {
        const img = h('img', { class: 'base', attrs: { src: imageUri, alt: `the sample image (${part.toUpperCase()} overlay)` } });
        const canvas = h('canvas', { class: 'overlay', data: { part } });
        canvas.addEventListener('mousemove', (e) => this.hoverSegment(row, e));
        canvas.addEventListener('mouseleave', hideTooltip);
        row.canvas = canvas;
        imageCell.append(h('div', { class: 'overlay-wrap' }, img, canvas));
      } else {
        imageCell.append(h('div', { class: 'muted', text: 'No image explanation in this result.' }));
      }
      const textCell = h('div', { class: 'cell text-cell', data: { part } }, textBadges);
      if (result.text) {
        const words = h('div', { class: 'words', data: { part } });
        words.addEventListener('mouseover', (e) => this.hoverWord(row, e));
        words.addEventListener('mousemove', (e) => this.hoverWord(row, e));
        words.addEventListener('mouseleave', hideTooltip);
        words.addEventListener('focusin', (e) => this.hoverWord(row, e));
        words.addEventListener('focusout', hideTooltip);
        row.words = words;
        textCell.append(words);
      } else {
        textCell.append(h('div', { class: 'muted', text: 'No text explanation in this result.' }));
      }
      this.rows.push(row);
      this.element.append(head, imageCell, textCell);
    }
  }

  update(view: ViewOptions, label: number, max: number): void {
    this.view = view;
    this.label = label;
    const values = valuesFor(this.result, label);
    const imageE = explanationFor(this.result.image?.explanations, label);
    const textE = explanationFor(this.result.text?.explanations, label);
    const stability = this.result.quality?.stability;
    const background = editorBackground();
    const border = borderColor();
    for (const row of this.rows) {
      const v = values?.[row.part];
      row.value.textContent = v === undefined ? '' : formatValue(v);
      row.value.dataset['value'] = v === undefined ? '' : String(v);
      const imagePart = imageE?.[row.part];
      if (row.canvas && this.result.image) {
        const seg = this.result.image.segmentation;
        const weights = imagePart?.weights ?? new Array<number>(seg.count).fill(0);
        drawOverlay(row.canvas, {
          segmentation: seg,
          weights,
          visible: visibleFeatures(weights, view.topK, view.sign),
          max,
          opacity: view.opacity,
          borders: view.borders,
          borderColor: border,
        });
      }
      badges(row.imageBadges, imagePart?.r2, stability?.image?.find((x) => x.label === label)?.[row.part], stability?.runs);
      const textPart = textE?.[row.part];
      if (row.words && this.result.text) {
        const t = this.result.text;
        const weights = textPart?.weights ?? new Array<number>(t.features.length).fill(0);
        renderWords(row.words, { tokens: t.tokens, features: t.features, weights, visible: visibleFeatures(weights, view.topK, view.sign), max, background });
      }
      badges(row.textBadges, textPart?.r2, stability?.text?.find((x) => x.label === label)?.[row.part], stability?.runs);
    }
  }

  private hoverSegment(row: Row, e: MouseEvent): void {
    const image = this.result.image;
    if (!image || !row.canvas || !this.view) return;
    const id = segmentAt(row.canvas, image.segmentation, e);
    if (id < 0) return hideTooltip();
    const weights = explanationFor(image.explanations, this.label)?.[row.part].weights;
    const w = weights?.[id] ?? 0;
    const shown = weights ? visibleFeatures(weights, this.view.topK, this.view.sign)[id] : false;
    const rank = weights ? ranks(weights)[id] : undefined;
    showTooltip(
      `${PART_TITLES[row.part][0]} · region ${id}: ${formatWeight(w)}${rank ? ` (rank ${rank} of ${image.segmentation.count})` : ''}${shown ? '' : ' · hidden by the filters'}`,
      e.clientX,
      e.clientY,
    );
  }

  private hoverWord(row: Row, e: Event): void {
    const text = this.result.text;
    const target = e.target instanceof HTMLElement ? e.target.closest<HTMLElement>('.word') : null;
    if (!text || !target || !this.view) return hideTooltip();
    const feature = Number(target.dataset['feature']);
    const weights = explanationFor(text.explanations, this.label)?.[row.part].weights;
    const w = weights?.[feature] ?? 0;
    const rank = weights ? ranks(weights)[feature] : undefined;
    const rect = target.getBoundingClientRect();
    const x = e instanceof MouseEvent ? e.clientX : rect.left;
    const y = e instanceof MouseEvent ? e.clientY : rect.bottom;
    showTooltip(`${PART_TITLES[row.part][0]} · “${text.features[feature] ?? target.textContent ?? ''}”: ${formatWeight(w)}${rank ? ` (rank ${rank} of ${text.features.length})` : ''}`, x, y);
  }
}

function badges(container: HTMLElement, r2: number | undefined, stability: PartStability | undefined, runs: number | undefined): void {
  const out: HTMLElement[] = [];
  if (r2 !== undefined) {
    out.push(h('span', { class: `badge ${r2 >= 0.5 ? 'good' : r2 >= 0.2 ? 'fair' : 'poor'}`, text: `R² ${r2.toFixed(2)}`, title: 'fit of the surrogate (LIME) model' }));
  }
  if (stability !== undefined) {
    out.push(
      h('span', {
        class: 'badge',
        text: `stability ${stability.meanSpearman.toFixed(2)}`,
        title: `rank agreement (Spearman ρ) of the weights over ${runs ?? 'several'} runs with other seeds: mean ${stability.meanSpearman.toFixed(2)}, min ${stability.minSpearman.toFixed(2)}; top-k overlap ${stability.meanTopKOverlap.toFixed(2)}`,
      }),
    );
  }
  container.replaceChildren(...out);
}
