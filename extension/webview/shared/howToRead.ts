/**
 * "How to read this": what M, UC and MI are, told with this sample's own numbers (collapsible). DIME splits
 * the logit M of a label at the instance into UC = g1 + g2 - mu (what the image and the question each
 * contribute on their own, averaged over the reference set) and MI = M - UC (what only the pair explains).
 */
import type { InstanceValues } from '../../src/daemon/protocol';
import { formatValue } from './colorScale';
import { h } from './dom';

export function howToReadText(v: InstanceValues, labelText: string, referenceSize: number): string[] {
  const f = formatValue;
  const lines = [
    `M = ${f(v.logit)} is the model's logit for “${labelText}” on this image and question. DIME splits it as M = UC + MI: ${f(v.logit)} = ${f(v.uc)} + ${f(v.mi)}.`,
    `UC (unimodal contributions) = g1 + g2 − mu = ${f(v.g1)} + ${f(v.g2)} − (${f(v.mu)}) = ${f(v.uc)}. g1 is the logit with this image and each of the N = ${referenceSize} reference questions, averaged: what the image says on its own. g2 is this question with each reference image: what the question says on its own. mu averages the logit over reference pairs, so that it is not counted twice.`,
    `MI (multimodal interactions) = M − UC = ${f(v.mi)}: what only this image and this question together explain, such as “the red thing” pointing at one object.`,
  ];
  if (v.uc < 0 && v.mi > Math.abs(v.uc)) {
    lines.push(`Here UC is negative and MI large: on their own, neither the image nor the question favour “${labelText}”; the answer comes from combining them. The MI heatmaps show which regions and words carry that combination.`);
  } else if (Math.abs(v.mi) > Math.abs(v.uc)) {
    lines.push(`Here |MI| > |UC|: the interaction carries most of this logit; read the MI row first.`);
  } else {
    lines.push(`Here |UC| ≥ |MI|: most of this logit comes from each modality on its own; the UC row shows which regions and words.`);
  }
  lines.push('In every heatmap red raises the logit of the label and blue lowers it; the bar lists rank the features by their weight (LIME’s linear surrogate). R² says how well the surrogate fits; stability says how much other seeds agree.');
  return lines;
}

export function renderHowToRead(v: InstanceValues | undefined, labelText: string, referenceSize: number, open: boolean, onToggle: (open: boolean) => void): HTMLElement {
  const details = h('details', { class: 'how-to-read', id: 'how-to-read' }, h('summary', { text: 'How to read this' }));
  details.open = open;
  details.addEventListener('toggle', () => onToggle(details.open));
  if (v) for (const line of howToReadText(v, labelText, referenceSize)) details.append(h('p', { text: line }));
  return details;
}
