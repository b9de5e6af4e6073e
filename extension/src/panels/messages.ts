/**
 * Messages between the extension host and the webview panels, and their type guards. Pure: both the
 * host (validates what a webview posts) and the webview bundles (validate what the host posts) import it.
 */
import type { DatasetIndexLine, DatasetResult, ExplanationResult, OptionLimits, PartialResult, ProgressValue, ReproduceResult } from '../daemon/protocol';
import { isWire } from '../daemon/wireGuards';
import { isCompareResult, isDatasetResult, isExplanationResult, isReproduceResult, type ComparePair } from './resultGuards';
import { DEFAULT_OPACITY } from '../../webview/shared/colorScale.generated';
import { partialProblem } from './partialResults';

export type PanelKind = 'explanation' | 'dataset' | 'compare';

/** View options of the explanation and comparison panels; they never ask the daemon. */
export type SignFilter = 'both' | 'positive' | 'negative';
export interface ViewOptions {
  /** Label index whose explanation is shown; undefined = the predicted label. */
  label?: number;
  /** Number of features shown per cell, 0 = all. */
  topK: number;
  sign: SignFilter;
  /** Overlay opacity in [0, 1]. */
  opacity: number;
  borders: boolean;
  /** What the colour scale spans: all cells, each modality, or each cell (absent: shared). */
  scale?: ScaleMode;
  /** The image under the heat: a grey copy with the heat filled in, or the colour image with the heat outlined. */
  base?: BaseMode;
  /** Whether "How to read this" is open. */
  howToRead?: boolean;
}

export type ScaleMode = 'shared' | 'modality' | 'cell';
export type BaseMode = 'grey' | 'colour';
export const DEFAULT_VIEW: ViewOptions = { topK: 0, sign: 'both', opacity: DEFAULT_OPACITY, borders: false, scale: 'shared', base: 'grey' };
export const TOP_K_CHOICES: readonly number[] = [0, 1, 3, 5, 10, 20];

// ------------------------------------------------------------------ host -> webview

export interface StartMessage {
  type: 'start';
  title: string;
  subtitle?: string;
  question?: string;
  imageUri?: string;
}
export interface ProgressMessage extends ProgressValue {
  type: 'progress';
}
/** A fit of the rows so far (the daemon's partial result), drawn dimmed until the explanation arrives. */
export interface PartialMessage {
  type: 'partial';
  partial: PartialResult;
  /** The names of the labels it explains (the model's labels; the partial carries their indices only). */
  labelNames: Record<number, string>;
}
export interface ExplanationMessage {
  type: 'explanation';
  result: ExplanationResult;
  imageUri: string;
  /** Where the sample sits in its dataset, for previous / next (absent for an image with a typed question). */
  position?: { index: number; count: number };
  /** The daemon's option bounds (initialize's capabilities.options) for the settings drawer; absent before it answered. */
  limits?: OptionLimits;
}
/** A short remark in the panel's note line ("This is the last sample."). */
export interface NoteMessage {
  type: 'note';
  text: string;
}
export interface DatasetMessage {
  type: 'dataset';
  result: DatasetResult;
}
/** A stored explain-dataset output (its index.jsonl) opened from disk: each row opens its stored result. */
export interface StoredDatasetMessage {
  type: 'storedDataset';
  folder: string;
  rows: DatasetIndexLine[];
}
export interface CompareMessage {
  type: 'compare';
  result: ComparePair;
  imageUri: string;
}
export interface CancelledMessage {
  type: 'cancelled';
}
export interface ErrorMessage {
  type: 'error';
  message: string;
  code?: number;
  name?: string;
}
export interface ExportedMessage {
  type: 'exported';
  folder: string;
  files: number;
}
/** The outcome of "Reproduce": the daemon's comparison, or why it could not run (an input changed, say). */
export interface ReproducedMessage {
  type: 'reproduced';
  report?: ReproduceResult;
  error?: string;
  /** The error's name (DatasetChanged, ModelChanged, ...), when the daemon gave one. */
  errorName?: string;
}

export type HostMessage =
  | StartMessage
  | ProgressMessage
  | PartialMessage
  | ExplanationMessage
  | DatasetMessage
  | StoredDatasetMessage
  | CompareMessage
  | CancelledMessage
  | ErrorMessage
  | ExportedMessage
  | NoteMessage
  | ReproducedMessage;

// ------------------------------------------------------------------ webview -> host

/** What the settings drawer of an explanation panel sets for a re-run. */
export interface RunSettings {
  imageSamples: number;
  textSamples: number;
  referenceSize: number;
  seed: number;
  segmentation: 'auto' | 'quickshift' | 'slic' | 'grid';
  hide: 'median' | 'mean' | 'constant' | 'blur';
  labels: 'all' | 'top';
}
export const SEGMENTATIONS: readonly RunSettings['segmentation'][] = ['auto', 'quickshift', 'slic', 'grid'];
export const HIDE_MODES: readonly RunSettings['hide'][] = ['median', 'mean', 'constant', 'blur'];
export const MAX_QUESTION = 1000;

/** The explanation panel's loop: retry, previous / next sample, re-explain with an edited question or settings, pin. */
export type LoopMessage =
  | { type: 'retry' }
  | { type: 'navigate'; delta: -1 | 1 }
  | { type: 'pin'; pinned: boolean }
  | { type: 'reexplain'; question?: string; settings?: RunSettings };

export type WebviewMessage =
  | LoopMessage
  | { type: 'ready' }
  | { type: 'cancel' }
  | { type: 'export' }
  | { type: 'reproduce' }
  | { type: 'openSample'; datasetId: string; index: number }
  | { type: 'openStored'; index: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const MAX_TEXT = 4000;
const MAX_ID = 256;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOnly(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).every((k) => keys.includes(k));
}

function boundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** Validates a message posted by a webview; anything else is dropped by the host. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isObject(value) || typeof value['type'] !== 'string') return false;
  switch (value['type']) {
    case 'ready':
    case 'cancel':
    case 'export':
    case 'retry':
    case 'reproduce':
      return hasOnly(value, ['type']);
    case 'navigate':
      return hasOnly(value, ['type', 'delta']) && (value['delta'] === -1 || value['delta'] === 1);
    case 'pin':
      return hasOnly(value, ['type', 'pinned']) && typeof value['pinned'] === 'boolean';
    case 'reexplain':
      return (
        hasOnly(value, ['type', 'question', 'settings']) &&
        (value['question'] === undefined || (boundedString(value['question'], MAX_QUESTION) && value['question'].trim() !== '')) &&
        (value['settings'] === undefined || isRunSettings(value['settings']))
      );
    case 'openSample':
      return (
        hasOnly(value, ['type', 'datasetId', 'index']) &&
        boundedString(value['datasetId'], MAX_ID) &&
        value['datasetId'] !== '' &&
        Number.isSafeInteger(value['index']) &&
        (value['index'] as number) >= 0
      );
    case 'openStored':
      return hasOnly(value, ['type', 'index']) && Number.isSafeInteger(value['index']) && (value['index'] as number) >= 0;
    case 'log':
      return (
        hasOnly(value, ['type', 'level', 'message']) &&
        (value['level'] === 'info' || value['level'] === 'warn' || value['level'] === 'error') &&
        boundedString(value['message'], MAX_TEXT)
      );
    default:
      return false;
  }
}

function intIn(value: unknown, lo: number, hi: number): boolean {
  return Number.isSafeInteger(value) && (value as number) >= lo && (value as number) <= hi;
}

/** The drawer's numbers are whole and not negative; their bounds are the daemon's, which it checks itself (InvalidArgument). */
export function isRunSettings(value: unknown): value is RunSettings {
  if (!isObject(value)) return false;
  return (
    hasOnly(value, ['imageSamples', 'textSamples', 'referenceSize', 'seed', 'segmentation', 'hide', 'labels']) &&
    intIn(value['imageSamples'], 0, Number.MAX_SAFE_INTEGER) &&
    intIn(value['textSamples'], 0, Number.MAX_SAFE_INTEGER) &&
    intIn(value['referenceSize'], 0, Number.MAX_SAFE_INTEGER) &&
    intIn(value['seed'], 0, Number.MAX_SAFE_INTEGER) &&
    SEGMENTATIONS.includes(value['segmentation'] as RunSettings['segmentation']) &&
    HIDE_MODES.includes(value['hide'] as RunSettings['hide']) &&
    (value['labels'] === 'all' || value['labels'] === 'top')
  );
}

/** Validates a message from the host (the webview's side of the same contract). */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value) || typeof value['type'] !== 'string') return false;
  switch (value['type']) {
    case 'start':
      return (
        typeof value['title'] === 'string' &&
        (value['subtitle'] === undefined || typeof value['subtitle'] === 'string') &&
        (value['question'] === undefined || typeof value['question'] === 'string') &&
        (value['imageUri'] === undefined || typeof value['imageUri'] === 'string')
      );
    case 'progress':
      return (
        typeof value['phase'] === 'string' &&
        typeof value['fraction'] === 'number' &&
        Number.isFinite(value['fraction']) &&
        (value['message'] === undefined || typeof value['message'] === 'string')
      );
    case 'partial':
      return (
        partialProblem(value['partial']) === undefined &&
        isObject(value['labelNames']) &&
        Object.entries(value['labelNames']).every(([k, v]) => /^\d+$/.test(k) && boundedString(v, MAX_TEXT))
      );
    case 'explanation':
      return (
        typeof value['imageUri'] === 'string' &&
        isExplanationResult(value['result']) &&
        (value['position'] === undefined ||
          (isObject(value['position']) && intIn(value['position']['index'], 0, Number.MAX_SAFE_INTEGER) && intIn(value['position']['count'], 1, Number.MAX_SAFE_INTEGER))) &&
        (value['limits'] === undefined || (isObject(value['limits']) && Object.values(value['limits']).every((l) => isWire('OptionLimit', l))))
      );
    case 'note':
      return boundedString(value['text'], MAX_TEXT);
    case 'dataset':
      return isDatasetResult(value['result']);
    case 'storedDataset':
      return typeof value['folder'] === 'string' && Array.isArray(value['rows']) && value['rows'].every(isIndexLine);
    case 'compare':
      return typeof value['imageUri'] === 'string' && isCompareResult(value['result']);
    case 'cancelled':
      return true;
    case 'error':
      return typeof value['message'] === 'string' && (value['code'] === undefined || typeof value['code'] === 'number');
    case 'exported':
      return typeof value['folder'] === 'string' && typeof value['files'] === 'number';
    case 'reproduced':
      return (
        (value['report'] === undefined ? typeof value['error'] === 'string' : isReproduceResult(value['report'])) &&
        (value['errorName'] === undefined || typeof value['errorName'] === 'string')
      );
    default:
      return false;
  }
}

/** The fields of an index.jsonl line that the overview shows, checked (the file comes from disk). */
export function isIndexLine(value: unknown): value is DatasetIndexLine {
  if (!isObject(value)) return false;
  const { index, id, question, answer, prediction, correct, values, miShare, result } = value;
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  return (
    Number.isSafeInteger(index) &&
    (index as number) >= 0 &&
    typeof id === 'string' &&
    typeof question === 'string' &&
    (answer === undefined || typeof answer === 'string') &&
    (prediction === undefined || (isObject(prediction) && typeof prediction['label'] === 'string' && Number.isSafeInteger(prediction['labelIndex']))) &&
    (correct === undefined || typeof correct === 'boolean') &&
    (values === undefined || (isObject(values) && finite(values['m']) && finite(values['uc']) && finite(values['mi']))) &&
    (miShare === undefined || finite(miShare)) &&
    (result === undefined || typeof result === 'string')
  );
}

export function isViewOptions(value: unknown): value is ViewOptions {
  if (!isObject(value)) return false;
  const { label, topK, sign, opacity, borders, scale, base, howToRead } = value;
  return (
    (scale === undefined || scale === 'shared' || scale === 'modality' || scale === 'cell') &&
    (base === undefined || base === 'grey' || base === 'colour') &&
    (howToRead === undefined || typeof howToRead === 'boolean') &&
    (label === undefined || (Number.isSafeInteger(label) && (label as number) >= 0)) &&
    Number.isSafeInteger(topK) &&
    (topK as number) >= 0 &&
    (sign === 'both' || sign === 'positive' || sign === 'negative') &&
    typeof opacity === 'number' &&
    opacity >= 0 &&
    opacity <= 1 &&
    typeof borders === 'boolean'
  );
}

// ------------------------------------------------------------------ persisted webview state

/** What a webview keeps with vscode.setState, so that a reload restores it without the daemon. */
export interface PanelState {
  kind: PanelKind;
  title: string;
  view: ViewOptions;
  phase: 'empty' | 'running' | 'done' | 'cancelled' | 'error';
  start?: StartMessage;
  explanation?: ExplanationMessage;
  dataset?: DatasetMessage;
  stored?: StoredDatasetMessage;
  compare?: CompareMessage;
  error?: string;
  /** Pinned panels are kept: a new explanation does not reuse them. */
  pinned?: boolean;
}

export function isPanelState(value: unknown): value is PanelState {
  if (!isObject(value)) return false;
  const kind = value['kind'];
  if (kind !== 'explanation' && kind !== 'dataset' && kind !== 'compare') return false;
  if (typeof value['title'] !== 'string' || !isViewOptions(value['view'])) return false;
  if (!['empty', 'running', 'done', 'cancelled', 'error'].includes(value['phase'] as string)) return false;
  if (value['pinned'] !== undefined && typeof value['pinned'] !== 'boolean') return false;
  const check = (key: string, type: HostMessage['type']): boolean =>
    value[key] === undefined || (isObject(value[key]) && value[key]['type'] === type && isHostMessage(value[key]));
  return check('start', 'start') && check('explanation', 'explanation') && check('dataset', 'dataset') && check('stored', 'storedDataset') && check('compare', 'compare');
}

/** The result id a restored panel can export, if any. */
export function stateResultId(state: PanelState): string | undefined {
  return state.explanation?.result.resultId ?? state.compare?.result.results[0]?.resultId ?? state.dataset?.result.resultId;
}
