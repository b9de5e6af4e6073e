/** What the controls select (pure): the visible features of a cell and the shared scale of a label. */
import type { ExplanationResult, LabelExplanation, PartName } from '../../src/daemon/protocol';
import type { SignFilter } from '../../src/panels/messages';
import { symmetricMax } from './colorScale';

/** Which features a cell shows: non-zero weights passing the sign filter, the top-k by |weight|. */
export function visibleFeatures(weights: readonly number[], topK: number, sign: SignFilter): boolean[] {
  const candidates: number[] = [];
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w === 0) return;
    if (sign === 'positive' && w <= 0) return;
    if (sign === 'negative' && w >= 0) return;
    candidates.push(i);
  });
  candidates.sort((a, b) => Math.abs(weights[b]!) - Math.abs(weights[a]!) || a - b);
  const keep = topK > 0 ? candidates.slice(0, topK) : candidates;
  const visible = new Array<boolean>(weights.length).fill(false);
  for (const i of keep) visible[i] = true;
  return visible;
}

/** Rank (1 = largest |weight|) of every feature among all features of the cell. */
export function ranks(weights: readonly number[]): number[] {
  const order = weights.map((_, i) => i).sort((a, b) => Math.abs(weights[b]!) - Math.abs(weights[a]!) || a - b);
  const out = new Array<number>(weights.length).fill(0);
  order.forEach((i, r) => (out[i] = r + 1));
  return out;
}

export function explanationFor(list: readonly LabelExplanation[] | undefined, label: number): LabelExplanation | undefined {
  return list?.find((e) => e.label === label);
}

/** Labels that have an explanation in at least one modality, the predicted one first. */
export function explainedLabels(result: ExplanationResult): number[] {
  const set = new Set<number>();
  for (const e of result.image?.explanations ?? []) set.add(e.label);
  for (const e of result.text?.explanations ?? []) set.add(e.label);
  const labels = [...set].sort((a, b) => a - b);
  const p = result.prediction.label;
  return labels.includes(p) ? [p, ...labels.filter((l) => l !== p)] : labels;
}

export const PARTS: readonly PartName[] = ['m', 'uc', 'mi'];

/** The shared scale of one label over all six cells (both modalities x M, UC, MI) of every result. */
export function sharedMax(results: readonly ExplanationResult[], label: number): number {
  const arrays: number[][] = [];
  for (const r of results) {
    for (const list of [r.image?.explanations, r.text?.explanations]) {
      const e = explanationFor(list, label);
      if (e) for (const p of PARTS) arrays.push(e[p].weights);
    }
  }
  return symmetricMax(...arrays);
}

/** What a grid of cells draws: a result, or the partial fits so far (no values at the instance yet). */
export type GridSource = Pick<ExplanationResult, 'image' | 'text' | 'values' | 'quality'>;

export function valuesFor(result: GridSource, label: number): { m: number; uc: number; mi: number } | undefined {
  const v = result.values.find((x) => x.label === label);
  return v ? { m: v.logit, uc: v.uc, mi: v.mi } : undefined;
}
