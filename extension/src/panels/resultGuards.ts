/**
 * Checks of daemon results before anything renders them (pure). The shape (every property the daemon always
 * writes, of its type) is checked by the guards generated from the daemon's records (daemon/wireGuards.ts);
 * this file adds what a schema cannot say and the panels rely on: array lengths that agree, indices in range.
 * A malformed result is refused with a message naming the property instead of breaking a panel.
 */
import type { CompareResult, DatasetResult, ExplanationResult, LabelExplanation, ReproduceResult, StabilityReport } from '../daemon/protocol';
import { wireProblem } from '../daemon/wireGuards';

/** A compare result whose guard has checked that it holds two results. */
export type ComparePair = CompareResult & { results: [ExplanationResult, ExplanationResult] };

const inRange = (i: number, n: number): boolean => i >= 0 && i < n;

function explanationsProblem(explanations: LabelExplanation[], features: number, labels: number): string | undefined {
  for (const [i, e] of explanations.entries()) {
    if (!inRange(e.label, labels)) return `[${i}].label: not a label`;
    for (const part of ['m', 'uc', 'mi'] as const) {
      const p = e[part];
      if (p.weights.length !== features) return `[${i}].${part}.weights: not one per feature`;
      if (!p.selected.every((f) => inRange(f, features))) return `[${i}].${part}.selected: not a feature`;
    }
  }
  return undefined;
}

function stabilityProblem(stability: StabilityReport, labels: number): string | undefined {
  for (const list of [stability.image, stability.text]) {
    if (list?.some((l) => !inRange(l.label, labels))) return 'label: not a label';
  }
  return undefined;
}

/** Why a result cannot be shown, or undefined when it can. */
export function explanationProblem(v: unknown): string | undefined {
  const shape = wireProblem('ExplanationResult', v);
  if (shape !== undefined) return shape;
  const r = v as ExplanationResult;
  const n = r.labels.length;
  if (n === 0) return 'labels: empty';
  if (!inRange(r.prediction.label, n)) return 'prediction.label: not a label';
  if (!r.prediction.top.every((a) => inRange(a.index, n))) return 'prediction.top: not a label';
  if (!r.values.every((x) => inRange(x.label, n))) return 'values: not a label';
  if (r.image) {
    const { count, width, height, map } = r.image.segmentation;
    if (width <= 0 || height <= 0 || count <= 0) return 'image.segmentation: empty';
    if (map.length !== width * height) return 'image.segmentation.map: not width x height';
    if (!map.every((id) => inRange(id, count))) return 'image.segmentation.map: not a segment';
    const problem = explanationsProblem(r.image.explanations, count, n);
    if (problem) return `image.explanations${problem}`;
  }
  if (r.text) {
    const f = r.text.features.length;
    if (!r.text.tokens.every((t) => t.feature >= -1 && t.feature < f)) return 'text.tokens: not a feature';
    const problem = explanationsProblem(r.text.explanations, f, n);
    if (problem) return `text.explanations${problem}`;
  }
  if (r.quality?.stability) {
    const problem = stabilityProblem(r.quality.stability, n);
    if (problem) return `quality.stability.${problem}`;
  }
  if (typeof r.settings['seed'] !== 'number') return 'settings.seed: expected number';
  const reference = r.provenance?.reference;
  if (reference?.lines !== undefined && reference.lines.length !== reference.ids.length) return 'provenance.reference.lines: not one per id';
  return undefined;
}

export function isReproduceResult(v: unknown): v is ReproduceResult {
  return wireProblem('ReproduceResult', v) === undefined;
}

export function isExplanationResult(v: unknown): v is ExplanationResult {
  return explanationProblem(v) === undefined;
}

export function isCompareResult(v: unknown): v is ComparePair {
  return wireProblem('CompareResult', v) === undefined && (v as CompareResult).results.length === 2 && (v as CompareResult).results.every(isExplanationResult);
}

export function datasetProblem(v: unknown): string | undefined {
  const shape = wireProblem('DatasetResult', v);
  if (shape !== undefined) return shape;
  const r = v as DatasetResult;
  const n = r.labels.length;
  for (const [i, x] of r.perLabel.entries()) {
    if (!inRange(x.label, n)) return `perLabel[${i}].label: not a label`;
  }
  for (const [i, x] of r.samples.entries()) {
    if (x.index < 0) return `samples[${i}].index: negative`;
    if (!inRange(x.predicted, n)) return `samples[${i}].predicted: not a label`;
    if (!inRange(x.projected, n)) return `samples[${i}].projected: not a label`;
  }
  return undefined;
}

export function isDatasetResult(v: unknown): v is DatasetResult {
  return datasetProblem(v) === undefined;
}
