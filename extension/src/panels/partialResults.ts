/**
 * Partial results on their way to the explanation panel (pure): the check of a partial the daemon sent in
 * `$/progress` (docs/protocol.md, PartialResult), the merge that lets a reloaded webview start from one message
 * per modality, and the panel's view of all partials so far (what its grid draws until the result arrives).
 */
import type { ImageExplanations, LabelExplanation, Part, PartialResult, Segmentation, TextExplanations } from '../daemon/protocol';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function isPart(v: unknown): v is Part {
  return isObj(v) && Array.isArray(v['weights']) && v['weights'].every(isNum) && Array.isArray(v['selected']) && v['selected'].every(isIndex) && isNum(v['r2']);
}

function isSegmentation(v: unknown): v is Segmentation {
  if (!isObj(v) || !isIndex(v['count']) || !isIndex(v['width']) || !isIndex(v['height']) || !Array.isArray(v['map'])) return false;
  const { count, width, height, map } = v as { count: number; width: number; height: number; map: unknown[] };
  return count > 0 && width > 0 && height > 0 && map.length === width * height && map.every((id) => isIndex(id) && id < count);
}

/** Why a partial result cannot be shown, or undefined when it can (lengths are checked by PartialView). */
export function partialProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'not an object';
  if (v['modality'] !== 'image' && v['modality'] !== 'text') return 'modality';
  if (!isIndex(v['rows']) || !isIndex(v['plannedRows']) || v['rows'] > v['plannedRows']) return 'rows';
  if (!isIndex(v['predicted'])) return 'predicted';
  const explanations = v['explanations'];
  if (!Array.isArray(explanations) || !explanations.every((e) => isObj(e) && isIndex(e['label']) && isPart(e['m']) && isPart(e['uc']) && isPart(e['mi']))) return 'explanations';
  if (v['segmentation'] !== undefined && !isSegmentation(v['segmentation'])) return 'segmentation';
  if (v['features'] !== undefined && !(Array.isArray(v['features']) && v['features'].every((f) => typeof f === 'string'))) return 'features';
  const tokens = v['tokens'];
  if (tokens !== undefined && !(Array.isArray(tokens) && tokens.every((t) => isObj(t) && typeof t['text'] === 'string' && Number.isSafeInteger(t['feature']) && (t['feature'] as number) >= -1))) {
    return 'tokens';
  }
  return undefined;
}

/**
 * A later partial of a modality with what only its first partial carried (segmentation, or features and tokens),
 * so that one message per modality restores a reloaded webview.
 */
export function withDescription(first: PartialResult, latest: PartialResult): PartialResult {
  return {
    ...latest,
    ...(first.segmentation && !latest.segmentation ? { segmentation: first.segmentation } : {}),
    ...(first.features && !latest.features ? { features: first.features } : {}),
    ...(first.tokens && !latest.tokens ? { tokens: first.tokens } : {}),
  };
}

/** What a modality's grid cells need, built up from its partials. */
export interface PartialSource {
  image?: ImageExplanations;
  text?: TextExplanations;
  values: [];
  /** Rows so far and planned, per modality that has sent a partial. */
  rows: { image?: [number, number]; text?: [number, number] };
  predicted: number;
}

/**
 * The panel's view of the partial fits so far. `accept` keeps a partial whose weights match what the modality's
 * first partial described and says whether the cells must be built anew (a modality's first partial) or only
 * redrawn; a partial of a modality never described is dropped (`ignored`).
 */
export class PartialView {
  readonly source: PartialSource = { values: [], rows: {}, predicted: 0 };

  accept(partial: PartialResult): 'built' | 'redrawn' | 'ignored' {
    const s = this.source;
    if (partial.modality === 'image') {
      const segmentation = partial.segmentation ?? s.image?.segmentation;
      if (!segmentation || !fits(partial.explanations, segmentation.count)) return 'ignored';
      const built = s.image === undefined || partial.segmentation !== undefined;
      s.image = { segmentation, samples: partial.rows, explanations: partial.explanations };
      s.rows.image = [partial.rows, partial.plannedRows];
      s.predicted = partial.predicted;
      return built ? 'built' : 'redrawn';
    }
    const features = partial.features ?? s.text?.features;
    const tokens = partial.tokens ?? s.text?.tokens;
    if (!features || !tokens || !fits(partial.explanations, features.length) || tokens.some((t) => t.feature >= features.length)) return 'ignored';
    const built = s.text === undefined || partial.features !== undefined;
    s.text = { features, tokens, samples: partial.rows, explanations: partial.explanations };
    s.rows.text = [partial.rows, partial.plannedRows];
    s.predicted = partial.predicted;
    return built ? 'built' : 'redrawn';
  }

  /** Labels with a partial explanation, the predicted one first. */
  labels(): number[] {
    const set = new Set<number>();
    for (const e of [...(this.source.image?.explanations ?? []), ...(this.source.text?.explanations ?? [])]) set.add(e.label);
    const p = this.source.predicted;
    return set.has(p) ? [p, ...[...set].filter((l) => l !== p).sort((a, b) => a - b)] : [...set].sort((a, b) => a - b);
  }
}

function fits(explanations: readonly LabelExplanation[], features: number): boolean {
  return explanations.every((e) => e.m.weights.length === features && e.uc.weights.length === features && e.mi.weights.length === features && [e.m, e.uc, e.mi].every((p) => p.selected.every((i) => i < features)));
}
