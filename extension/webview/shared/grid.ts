/**
 * The cells of one explanation for one label, laid out per modality: the image regions of M | UC | MI side
 * by side, then the question's words of M | UC | MI beneath. Every cell carries its value, its trust badges,
 * a one-line summary and its ranked feature list (the keyboard's way to the regions). Image cells grow with
 * the panel (a third of its width each), zoom on click or Enter, and show either the heat filled over a grey
 * copy or outlined over the colour image. Re-rendering on a control change touches only canvases and spans.
 */
import type { PartName } from '../../src/daemon/protocol';
import type { ViewOptions } from '../../src/panels/messages';
import { formatValue, formatWeight } from './colorScale';
import { h } from './dom';
import { FeatureList, rankedVisible } from './featureList';
import { drawOutline, drawOverlay, segmentAt } from './overlay';
import { regionName, regionPlaces } from './regions';
import type { Modality } from './scales';
import { borderColor, editorBackground } from './theme';
import { hideTooltip, showTooltip } from './tooltip';
import { trustBadges } from './trust';
import { explanationFor, PARTS, ranks, valuesFor, visibleFeatures, type GridSource } from './view';
import { renderWords } from './words';

export const PART_TITLES: Record<PartName, [string, string]> = {
  m: ['M', 'the model'],
  uc: ['UC', 'unimodal contributions'],
  mi: ['MI', 'multimodal interactions'],
};

const PART_HINTS: Record<PartName, string> = {
  m: 'M: the model’s logit for the label, explained over the regions or words.',
  uc: 'UC = g1 + g2 − mu: what the image and the question each contribute on their own (averaged over the reference set).',
  mi: 'MI = M − UC: what only this image and this question together explain.',
};

const MODALITY_TITLES: Record<Modality, string> = { image: 'Image regions', text: 'Question words' };
/** Rows a feature list shows before "Show all". */
const LIST_TOP = 5;
/** Below this many pixels an image is upscaled with hard pixel edges, so regions stay crisp. */
const CRISP_BELOW = 512;

/** The bound of the colour scale of one cell. */
export type CellMax = (modality: Modality, part: PartName) => number;

interface Cell {
  modality: Modality;
  part: PartName;
  element: HTMLElement;
  value: HTMLElement;
  max: HTMLElement;
  badges: HTMLElement;
  summary: HTMLElement;
  list: FeatureList;
  canvas?: HTMLCanvasElement;
  focusLayer?: HTMLCanvasElement;
  words?: HTMLElement;
}

export class ExplanationGrid {
  readonly element: HTMLElement;
  private readonly cells: Cell[] = [];
  private readonly places: string[];
  private label = 0;
  private view: ViewOptions | undefined;

  /** `missing`: what a modality without an explanation says (a partial grid waits for its first rows). */
  constructor(
    private readonly result: GridSource,
    imageUri: string,
    missing = (modality: Modality): string => `No ${modality} explanation in this result.`,
  ) {
    this.places = result.image ? regionPlaces(result.image.segmentation) : [];
    this.element = h('div', { class: 'grid', attrs: { 'aria-label': 'M, UC and MI explanations' } });
    for (const modality of ['image', 'text'] as const) {
      const present = modality === 'image' ? result.image : result.text;
      const section = h('section', { class: `modality ${modality}-modality`, data: { modality } }, h('h3', { class: 'modality-title', text: MODALITY_TITLES[modality] }));
      if (!present) {
        section.append(h('div', { class: 'muted', text: missing(modality) }));
      } else {
        const row = h('div', { class: 'cells' });
        for (const part of PARTS) {
          const cell = this.createCell(modality, part, imageUri);
          this.cells.push(cell);
          row.append(cell.element);
        }
        section.append(row);
      }
      this.element.append(section);
    }
  }

  private createCell(modality: Modality, part: PartName, imageUri: string): Cell {
    const [short, long] = PART_TITLES[part];
    const value = h('span', { class: 'row-value', data: { part } });
    const max = h('span', { class: 'cell-max', data: { part } });
    const badges = h('span', { class: 'badges' });
    const summary = h('p', { class: 'cell-summary', data: { part } });
    const titleId = `cell-${modality}-${part}-${Math.random().toString(36).slice(2, 8)}`;
    const head = h('div', { class: 'cell-head', title: PART_HINTS[part] }, h('span', { class: 'cell-name', id: titleId, text: short }), h('span', { class: 'cell-desc', text: long }), value, max, badges);
    const element = h('figure', {
      class: `cell ${modality}-cell`,
      data: { part, modality },
      attrs: { 'aria-labelledby': titleId, 'aria-describedby': `${titleId}-summary` },
    });
    summary.id = `${titleId}-summary`;
    const list = new FeatureList({
      onFocus: (feature) => this.highlight(cell, feature),
      onBlur: () => this.highlight(cell, -1),
    });
    const cell: Cell = { modality, part, element, value, max, badges, summary, list };
    element.append(head);
    if (modality === 'image' && this.result.image) {
      const seg = this.result.image.segmentation;
      const img = h('img', { class: 'base', attrs: { src: imageUri, alt: '' } });
      const canvas = h('canvas', { class: 'overlay', data: { part }, attrs: { 'aria-hidden': 'true' } });
      const focusLayer = h('canvas', { class: 'focus-layer', data: { part }, attrs: { 'aria-hidden': 'true' } });
      const wrap = h(
        'div',
        {
          class: `overlay-wrap${seg.width < CRISP_BELOW && seg.height < CRISP_BELOW ? ' crisp' : ''}`,
          attrs: { tabindex: '0', role: 'button', 'aria-pressed': 'false', 'aria-label': `${short} heatmap of the image: press Enter to zoom` },
        },
        img,
        canvas,
        focusLayer,
      );
      wrap.style.aspectRatio = `${seg.width} / ${seg.height}`;
      canvas.addEventListener('mousemove', (e) => this.hoverSegment(cell, e));
      canvas.addEventListener('mouseleave', () => {
        hideTooltip();
        this.highlight(cell, -1);
      });
      wrap.addEventListener('click', () => this.toggleZoom(cell));
      wrap.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.toggleZoom(cell);
        } else if (e.key === 'Escape' && element.classList.contains('zoomed')) {
          this.toggleZoom(cell);
        }
      });
      cell.canvas = canvas;
      cell.focusLayer = focusLayer;
      element.append(wrap);
    } else if (modality === 'text' && this.result.text) {
      const words = h('div', { class: 'words', data: { part } });
      words.addEventListener('mouseover', (e) => this.hoverWord(cell, e));
      words.addEventListener('mousemove', (e) => this.hoverWord(cell, e));
      words.addEventListener('mouseleave', hideTooltip);
      words.addEventListener('focusin', (e) => this.hoverWord(cell, e));
      words.addEventListener('focusout', hideTooltip);
      cell.words = words;
      element.append(words);
    }
    element.append(summary, list.element);
    return cell;
  }

  update(view: ViewOptions, label: number, maxOf: CellMax): void {
    this.view = view;
    this.label = label;
    const values = valuesFor(this.result, label);
    const stability = this.result.quality?.stability;
    const background = editorBackground();
    const border = borderColor();
    this.element.dataset['base'] = view.base ?? 'grey';
    for (const cell of this.cells) {
      const max = maxOf(cell.modality, cell.part);
      const v = values?.[cell.part];
      cell.value.textContent = v === undefined ? '' : formatValue(v);
      cell.value.dataset['value'] = v === undefined ? '' : String(v);
      cell.max.textContent = view.scale === 'cell' ? `scale ±${formatWeight(max).replace(/^\+/, '')}` : '';
      cell.element.dataset['max'] = String(max);
      const list = cell.modality === 'image' ? this.result.image?.explanations : this.result.text?.explanations;
      const part = explanationFor(list, label)?.[cell.part];
      const count = cell.modality === 'image' ? (this.result.image?.segmentation.count ?? 0) : (this.result.text?.features.length ?? 0);
      const weights = part?.weights ?? new Array<number>(count).fill(0);
      const visible = visibleFeatures(weights, view.topK, view.sign);
      if (cell.canvas && this.result.image) {
        drawOverlay(cell.canvas, {
          segmentation: this.result.image.segmentation,
          weights,
          visible,
          max,
          opacity: view.opacity,
          borders: view.borders,
          borderColor: border,
          style: view.base === 'colour' ? 'contour' : 'fill',
        });
      }
      if (cell.words && this.result.text) {
        const t = this.result.text;
        renderWords(cell.words, { tokens: t.tokens, features: t.features, weights, visible, max, background });
      }
      const partStability = (cell.modality === 'image' ? stability?.image : stability?.text)?.find((x) => x.label === label)?.[cell.part];
      cell.badges.replaceChildren(...trustBadges(part?.r2, partStability, stability?.runs));
      const names = this.namesOf(cell.modality);
      cell.list.render({ names, weights, visible, max, top: LIST_TOP, label: `${PART_TITLES[cell.part][0]}, ${MODALITY_TITLES[cell.modality].toLowerCase()}` });
      cell.summary.textContent = summarise(PART_TITLES[cell.part][0], cell.modality, names, weights, visible);
    }
  }

  private namesOf(modality: Modality): string[] {
    if (modality === 'text') return [...(this.result.text?.features ?? [])];
    return this.places.map((_, id) => regionName(id, this.places));
  }

  /** Outlines `region` in every image cell and marks its row in every image list (-1 clears). */
  private highlight(from: Cell, feature: number): void {
    if (from.modality !== 'image' || !this.result.image) return;
    const colour = borderColor();
    for (const cell of this.cells) {
      if (cell.modality !== 'image') continue;
      if (cell.focusLayer) drawOutline(cell.focusLayer, this.result.image.segmentation, feature, colour);
      cell.list.mark(feature);
    }
  }

  private toggleZoom(cell: Cell): void {
    const zoom = !cell.element.classList.contains('zoomed');
    for (const c of this.cells) {
      c.element.classList.remove('zoomed');
      c.element.querySelector('.overlay-wrap')?.setAttribute('aria-pressed', 'false');
    }
    cell.element.classList.toggle('zoomed', zoom);
    cell.element.querySelector('.overlay-wrap')?.setAttribute('aria-pressed', String(zoom));
  }

  private hoverSegment(cell: Cell, e: MouseEvent): void {
    const image = this.result.image;
    if (!image || !cell.canvas || !this.view) return;
    const id = segmentAt(cell.canvas, image.segmentation, e);
    this.highlight(cell, id);
    if (id < 0) return hideTooltip();
    const weights = explanationFor(image.explanations, this.label)?.[cell.part].weights;
    const w = weights?.[id] ?? 0;
    const shown = weights ? visibleFeatures(weights, this.view.topK, this.view.sign)[id] : false;
    const rank = weights ? ranks(weights)[id] : undefined;
    showTooltip(
      `${PART_TITLES[cell.part][0]} · ${regionName(id, this.places)}: ${formatWeight(w)}${rank ? ` (rank ${rank} of ${image.segmentation.count})` : ''}${shown ? '' : ' · hidden by the filters'}`,
      e.clientX,
      e.clientY,
    );
  }

  private hoverWord(cell: Cell, e: Event): void {
    const text = this.result.text;
    const target = e.target instanceof HTMLElement ? e.target.closest<HTMLElement>('.word') : null;
    if (!text || !target || !this.view) return hideTooltip();
    const feature = Number(target.dataset['feature']);
    const weights = explanationFor(text.explanations, this.label)?.[cell.part].weights;
    const w = weights?.[feature] ?? 0;
    const rank = weights ? ranks(weights)[feature] : undefined;
    const rect = target.getBoundingClientRect();
    const x = e instanceof MouseEvent ? e.clientX : rect.left;
    const y = e instanceof MouseEvent ? e.clientY : rect.bottom;
    showTooltip(`${PART_TITLES[cell.part][0]} · “${text.features[feature] ?? target.textContent ?? ''}”: ${formatWeight(w)}${rank ? ` (rank ${rank} of ${text.features.length})` : ''}`, x, y);
  }
}

/** One sentence per cell: what raises and what lowers the logit most (the cell's text summary). */
export function summarise(part: string, modality: Modality, names: readonly string[], weights: readonly number[], visible: readonly boolean[]): string {
  const ranked = rankedVisible(weights, visible);
  const quote = (i: number): string => (modality === 'text' ? `“${names[i] ?? i}”` : (names[i] ?? String(i)));
  const up = ranked.filter((i) => weights[i]! > 0).slice(0, 2).map(quote);
  const down = ranked.filter((i) => weights[i]! < 0).slice(0, 2).map(quote);
  if (up.length === 0 && down.length === 0) return `${part}: no ${modality === 'image' ? 'region' : 'word'} passes the filters.`;
  const parts = [up.length ? `raised most by ${up.join(' and ')}` : '', down.length ? `lowered most by ${down.join(' and ')}` : ''].filter(Boolean);
  return `${part}: ${parts.join('; ')}.`;
}
