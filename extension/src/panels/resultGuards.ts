/**
 * Structural checks of daemon results before anything renders them (pure). They check what the panels
 * rely on (array lengths, index ranges, finite numbers), so a malformed result is refused with a
 * message instead of breaking a panel. Extra properties are allowed.
 */
import type { CompareResult, DatasetResult, ExplanationResult, LabelExplanation, Part, ReproduceResult } from '../daemon/protocol';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);

function isPart(v: unknown, features: number): v is Part {
  return (
    isObj(v) &&
    isNumArray(v['weights']) &&
    v['weights'].length === features &&
    Array.isArray(v['selected']) &&
    v['selected'].every((i) => isInt(i) && i >= 0 && i < features) &&
    isNum(v['intercept']) &&
    isNum(v['r2']) &&
    isNum(v['localPrediction'])
  );
}

function isLabelExplanations(v: unknown, features: number, labels: number): v is LabelExplanation[] {
  return (
    Array.isArray(v) &&
    v.every(
      (e) =>
        isObj(e) &&
        isInt(e['label']) &&
        e['label'] >= 0 &&
        e['label'] < labels &&
        isPart(e['m'], features) &&
        isPart(e['uc'], features) &&
        isPart(e['mi'], features),
    )
  );
}

function isDevice(v: unknown): boolean {
  return isObj(v) && (v['kind'] === 'cpu' || v['kind'] === 'cuda') && isStr(v['name']);
}

function isModel(v: unknown): boolean {
  return isObj(v) && isStr(v['modelId']) && isStr(v['name']) && isStrArray(v['labels']);
}

function isAnswer(v: unknown, labels: number): boolean {
  return isObj(v) && isStr(v['label']) && isInt(v['index']) && v['index'] >= 0 && v['index'] < labels && isNum(v['logit']) && isNum(v['probability']);
}

/** Why a result cannot be shown, or undefined when it can. */
export function explanationProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'not an object';
  if (!isStr(v['resultId'])) return 'resultId';
  if (!isModel(v['model'])) return 'model';
  if (!isDevice(v['device'])) return 'device';
  const labels = v['labels'];
  if (!isStrArray(labels) || labels.length === 0) return 'labels';
  const n = labels.length;
  const s = v['sample'];
  if (!isObj(s) || !isStr(s['id']) || !isStr(s['question']) || !isStr(s['imagePath']) || (s['index'] !== undefined && !isInt(s['index']))) return 'sample';
  if (s['answer'] !== undefined && !isStr(s['answer'])) return 'sample.answer';
  const p = v['prediction'];
  if (!isObj(p) || !isInt(p['label']) || p['label'] < 0 || p['label'] >= n || !Array.isArray(p['top']) || !p['top'].every((a) => isAnswer(a, n))) {
    return 'prediction';
  }
  const values = v['values'];
  if (
    !Array.isArray(values) ||
    !values.every((x) => isObj(x) && isInt(x['label']) && x['label'] >= 0 && x['label'] < n && isNum(x['logit']) && isNum(x['uc']) && isNum(x['mi']))
  ) {
    return 'values';
  }
  const image = v['image'];
  if (image !== undefined) {
    if (!isObj(image)) return 'image';
    const seg = image['segmentation'];
    if (!isObj(seg) || !isInt(seg['count']) || !isInt(seg['width']) || !isInt(seg['height'])) return 'image.segmentation';
    const count = seg['count'];
    const map = seg['map'];
    if (seg['width'] <= 0 || seg['height'] <= 0 || count <= 0) return 'image.segmentation size';
    if (!Array.isArray(map) || map.length !== seg['width'] * seg['height']) return 'image.segmentation.map length';
    for (const id of map) if (!isInt(id) || id < 0 || id >= count) return 'image.segmentation.map ids';
    if (!isLabelExplanations(image['explanations'], count, n)) return 'image.explanations';
  }
  const text = v['text'];
  if (text !== undefined) {
    if (!isObj(text) || !isStrArray(text['features'])) return 'text.features';
    const f = text['features'].length;
    const tokens = text['tokens'];
    if (!Array.isArray(tokens) || !tokens.every((t) => isObj(t) && isStr(t['text']) && isInt(t['feature']) && t['feature'] >= -1 && t['feature'] < f)) {
      return 'text.tokens';
    }
    if (!isLabelExplanations(text['explanations'], f, n)) return 'text.explanations';
  }
  const quality = v['quality'];
  if (quality !== undefined) {
    if (!isObj(quality)) return 'quality';
    const st = quality['stability'];
    if (st !== undefined && !isStability(st, n)) return 'quality.stability';
  }
  const settings = v['settings'];
  if (!isObj(settings) || !isNum(settings['seed'])) return 'settings';
  const timings = v['timings'];
  if (!isObj(timings) || !Object.values(timings).every(isNum)) return 'timings';
  if (v['provenance'] !== undefined) {
    const problem = provenanceProblem(v['provenance']);
    if (problem) return `provenance.${problem}`;
  }
  if (v['warnings'] !== undefined && !isStrArray(v['warnings'])) return 'warnings';
  return undefined;
}

/** The parts of a provenance record the panel shows (docs/protocol.md, "Provenance"). */
function provenanceProblem(v: unknown): string | undefined {
  if (!isObj(v) || !isInt(v['version'])) return 'version';
  const env = v['environment'];
  if (!isObj(env) || !isStr(env['daemon']) || !isStr(env['onnxRuntime']) || !isStr(env['deviceName'])) return 'environment';
  const model = v['model'];
  if (!isObj(model) || !isStr(model['manifestPath']) || !isStr(model['hash'])) return 'model';
  const s = v['sample'];
  if (!isObj(s) || !isStr(s['imageHash']) || !isStr(s['imagePath']) || (s['datasetHash'] !== undefined && !isStr(s['datasetHash']))) return 'sample';
  if ((s['line'] !== undefined && !isInt(s['line'])) || (s['index'] !== undefined && !isInt(s['index']))) return 'sample';
  const r = v['reference'];
  if (!isObj(r) || !isStr(r['datasetPath']) || !isStr(r['datasetHash']) || !isStrArray(r['ids']) || !isStr(r['imagesHash'])) return 'reference';
  if (!isInt(r['size']) || !isInt(r['seed'])) return 'reference';
  if (r['lines'] !== undefined && !(Array.isArray(r['lines']) && r['lines'].length === r['ids'].length && r['lines'].every(isInt))) return 'reference.lines';
  const random = v['random'];
  if (!isObj(random) || !isStr(random['algorithm']) || !isInt(random['seed']) || !isInt(random['referenceSeed'])) return 'random';
  if (!isObj(v['options'])) return 'options';
  return undefined;
}

export function isReproduceResult(v: unknown): v is ReproduceResult {
  if (!isObj(v) || !isStr(v['resultId']) || typeof v['identical'] !== 'boolean' || typeof v['withinTolerance'] !== 'boolean') return false;
  if (!isInt(v['compared']) || !isInt(v['differing']) || !isNum(v['tolerance']) || !isStrArray(v['mismatches']) || !isStrArray(v['environmentChanges'])) return false;
  const l = v['largest'];
  return l === undefined || (isObj(l) && isStr(l['path']) && isNum(l['stored']) && isNum(l['reproduced']) && isNum(l['difference']));
}

function isPartStability(v: unknown): boolean {
  return isObj(v) && isNum(v['meanSpearman']) && isNum(v['minSpearman']) && isNum(v['meanTopKOverlap']);
}

function isStability(v: unknown, labels: number): boolean {
  if (!isObj(v) || !isInt(v['runs'])) return false;
  const list = (x: unknown): boolean =>
    x === undefined ||
    (Array.isArray(x) &&
      x.every((l) => isObj(l) && isInt(l['label']) && l['label'] >= 0 && l['label'] < labels && isPartStability(l['m']) && isPartStability(l['uc']) && isPartStability(l['mi'])));
  return list(v['image']) && list(v['text']);
}

export function isExplanationResult(v: unknown): v is ExplanationResult {
  return explanationProblem(v) === undefined;
}

export function isCompareResult(v: unknown): v is CompareResult {
  return isObj(v) && Array.isArray(v['results']) && v['results'].length === 2 && v['results'].every(isExplanationResult);
}

export function datasetProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'not an object';
  if (!isStr(v['resultId'])) return 'resultId';
  if (!isModel(v['model'])) return 'model';
  if (!isDevice(v['device'])) return 'device';
  const d = v['dataset'];
  if (!isObj(d) || !isStr(d['datasetId']) || !isStr(d['path'])) return 'dataset';
  const labels = v['labels'];
  if (!isStrArray(labels)) return 'labels';
  const n = labels.length;
  const e = v['emap'];
  if (!isObj(e) || !isNum(e['accuracy']) || !isNum(e['projectedAccuracy']) || !isNum(e['gap'])) return 'emap';
  const per = v['perLabel'];
  if (
    !Array.isArray(per) ||
    !per.every((x) => isObj(x) && isInt(x['label']) && x['label'] >= 0 && x['label'] < n && isInt(x['count']) && isNum(x['ucShare']) && isNum(x['miShare']))
  ) {
    return 'perLabel';
  }
  const samples = v['samples'];
  if (
    !Array.isArray(samples) ||
    !samples.every(
      (x) =>
        isObj(x) &&
        isInt(x['index']) &&
        x['index'] >= 0 &&
        isStr(x['id']) &&
        isStr(x['question']) &&
        (x['answer'] === undefined || isStr(x['answer'])) &&
        isInt(x['predicted']) &&
        x['predicted'] >= 0 &&
        x['predicted'] < n &&
        isNum(x['logit']) &&
        isNum(x['uc']) &&
        isNum(x['mi']) &&
        isNum(x['miShare']),
    )
  ) {
    return 'samples';
  }
  if (!isInt(v['count']) || !isInt(v['offset'])) return 'count';
  const timings = v['timings'];
  if (!isObj(timings) || !Object.values(timings).every(isNum)) return 'timings';
  return undefined;
}

export function isDatasetResult(v: unknown): v is DatasetResult {
  return datasetProblem(v) === undefined;
}
