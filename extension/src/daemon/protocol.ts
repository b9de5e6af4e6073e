/**
 * The DIME daemon protocol (docs/protocol.md), client side: method names, error codes and the
 * TypeScript shapes of parameters and results. Method names are defined here ONCE; everything else in
 * the extension imports them from this file. A contract test compares them with
 * src/Dime.Daemon/Protocol/ProtocolNames.cs, so keep each name a plain string literal on its own line.
 *
 * This module is pure (no vscode, no node): the webview bundles import its types too.
 */

export const PROTOCOL_VERSION = 1;

/** JSON-RPC requests and notifications of the daemon. */
export const Methods = {
  initialize: 'initialize',
  shutdown: 'shutdown',
  exit: 'exit',
  status: 'dime/status',
  loadModel: 'dime/loadModel',
  unloadModel: 'dime/unloadModel',
  openDataset: 'dime/openDataset',
  listSamples: 'dime/listSamples',
  predict: 'dime/predict',
  tokenize: 'dime/tokenize',
  explain: 'dime/explain',
  explainDataset: 'dime/explainDataset',
  compare: 'dime/compare',
  export: 'dime/export',
  reproduce: 'dime/reproduce',
} as const;

/** Notifications defined by JSON-RPC / LSP that the protocol uses. */
export const Notifications = {
  progress: '$/progress',
  cancelRequest: '$/cancelRequest',
} as const;

export type MethodName = (typeof Methods)[keyof typeof Methods];

/** Stable error codes (docs/protocol.md, "Error codes"). */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  RequestCancelled: -32800,
  InvalidArgument: 1000,
  NotInitialized: 1001,
  ShuttingDown: 1002,
  PathInvalid: 1003,
  NotARegularFile: 1004,
  FileTooLarge: 1005,
  ModelNotFound: 1100,
  ManifestInvalid: 1101,
  NotAnOnnxModel: 1102,
  ManifestGraphMismatch: 1103,
  ModelNotLoaded: 1104,
  DeviceUnavailable: 1105,
  InferenceFailed: 1106,
  ModelOutputInvalid: 1107,
  DatasetNotFound: 1200,
  DatasetInvalid: 1201,
  SampleNotFound: 1202,
  PathOutsideDataset: 1203,
  ImageNotFound: 1300,
  ImageCorrupt: 1301,
  ImageTooLarge: 1302,
  ImageUnsupported: 1303,
  TextInvalid: 1400,
  ResultNotFound: 1500,
  ExportFailed: 1501,
  ProvenanceMissing: 1600,
  DatasetChanged: 1601,
  ImageChanged: 1602,
  ModelChanged: 1603,
  ReferenceChanged: 1604,
  GpuPackageUnavailable: 1700,
  GpuPackageInvalid: 1701,
} as const;

export type ErrorName = keyof typeof ErrorCodes;

/** The name of a numeric error code, or undefined for a code the protocol does not define. */
export function errorName(code: number): ErrorName | undefined {
  for (const [name, value] of Object.entries(ErrorCodes)) {
    if (value === code) {
      return name as ErrorName;
    }
  }
  return undefined;
}

/** `data` of an error reply. */
export interface ErrorData {
  name?: string;
  subject?: string;
}

// ------------------------------------------------------------------ shapes

export type DeviceRequest = 'auto' | 'cuda' | 'cpu';

export interface DeviceInfo {
  kind: 'cpu' | 'cuda';
  requested: DeviceRequest;
  name: string;
  fallbackReason?: string;
}

export interface ModelInfo {
  modelId: string;
  name: string;
  manifestPath: string;
  labels: string[];
  split: boolean;
  hash: string;
  device: DeviceInfo;
  maskToken?: string;
  /** Configurations that load but are probably wrong (begin/end tokens left out, punctuation that becomes unknown). */
  warnings?: string[];
}

export type DatasetFormat = 'jsonl' | 'clevr';

export interface DatasetFields {
  image?: string;
  question?: string;
  answer?: string;
  id?: string;
}

export interface DatasetInfo {
  datasetId: string;
  path: string;
  format: DatasetFormat;
  count: number;
  folder: string;
  /** Lines or questions the daemon could not read (it skips them). */
  warnings?: string[];
}

export interface SampleInfo {
  index: number;
  id: string;
  imagePath: string;
  question: string;
  answer?: string;
  /** 1-based line of a JSONL sample. */
  line?: number;
}

export interface DatasetSampleRef {
  datasetId: string;
  index: number;
}

export interface ImageSampleRef {
  imagePath: string;
  question: string;
  answer?: string;
}

/** Either a sample of an opened dataset, or an image file with a typed question. */
export type SampleRef = DatasetSampleRef | ImageSampleRef;

export interface Answer {
  label: string;
  index: number;
  logit: number;
  probability: number;
}

export type FeatureSelection = 'none' | 'auto' | 'forward' | 'highestWeights';

export interface ExplainOptions {
  /** Items: a number, 'index:N' or '#N' (the N-th logit), 'name:X', or a bare string (a name if one matches, else an index). */
  labels?: 'all' | 'top' | (string | number)[];
  modalities?: ('image' | 'text')[];
  imageSamples?: number;
  textSamples?: number;
  referenceSize?: number;
  referenceDatasetId?: string;
  stratified?: boolean;
  segmentation?: { method: 'auto' | 'quickshift' | 'slic' | 'grid'; [param: string]: number | string };
  hide?: { mode: 'median' | 'mean' | 'constant' | 'blur'; color?: [number, number, number]; sigma?: number };
  textFeatures?: 'words' | 'positions';
  textMask?: 'delete' | 'mask';
  imageFeatures?: number;
  textFeatureCount?: number;
  featureSelection?: { image?: FeatureSelection; text?: FeatureSelection };
  quality?: { stabilityRuns?: number; curves?: boolean; bootstrap?: number };
  /** k reference partners per perturbed row; 0 = exact (all N); absent = the daemon's default. */
  partners?: number;
  partnerEstimator?: 'perRow' | 'shared';
  /** Partial results in `$/progress` as rows arrive. */
  partial?: boolean;
  untilStable?: boolean;
  seed?: number;
}

/** One surrogate (LIME) explanation: a weight per feature. */
export interface Part {
  weights: number[];
  selected: number[];
  intercept: number;
  r2: number;
  localPrediction: number;
}

export type PartName = 'm' | 'uc' | 'mi';
export const PART_NAMES: readonly PartName[] = ['m', 'uc', 'mi'];

export interface LabelExplanation {
  label: number;
  m: Part;
  uc: Part;
  mi: Part;
}

export interface Segmentation {
  method: string;
  parameters: Record<string, number | string>;
  count: number;
  width: number;
  height: number;
  /** Row-major, width * height segment ids in [0, count). */
  map: number[];
}

/** Agreement between two successive partial fits, over every label and part. */
export interface Convergence {
  topK: number;
  minTopKOverlap: number;
  minSpearman: number;
  maxRelativeChange: number;
  isStable: boolean;
}

/** How a modality's rows were made (docs/protocol.md, Sampling). */
export interface Sampling {
  plannedRows: number;
  rows: number;
  stoppedEarly: boolean;
  lastConvergence?: Convergence;
  estimator: 'exact' | 'perRow' | 'shared';
  partners: number;
  referenceSize: number;
  pairPasses: number;
}

export interface PartStability {
  meanSpearman: number;
  minSpearman: number;
  meanTopKOverlap: number;
}

/** Stability of every part from a bootstrap over the rows already computed. */
export interface Bootstrap {
  resamples: number;
  topK: number;
  seed: number;
  labels: { label: number; name: string; m: PartStability; uc: PartStability; mi: PartStability }[];
}

export interface ImageExplanations {
  segmentation: Segmentation;
  samples: number;
  explanations: LabelExplanation[];
  sampling?: Sampling;
  bootstrap?: Bootstrap;
}

export interface TextToken {
  text: string;
  /** Index into `features`, or -1 for separators. */
  feature: number;
  /** The model's tokenizer turned this word into its unknown token ([UNK]): the model never saw it. */
  unknown?: boolean;
}

/** A word as the model's tokenizer split it (dime/tokenize). */
export interface TokenizedWord {
  text: string;
  tokens: string[];
  ids: number[];
  /** It became the unknown token (or, without one, was dropped). */
  unknown: boolean;
}

/** What the model receives for a text (dime/tokenize). */
export interface TokenizeResult {
  kind: 'words' | 'wordpiece' | 'bpe';
  maxLength: number;
  /** Tokens before padding. */
  count: number;
  truncated: boolean;
  ids: number[];
  tokens: string[];
  attentionMask: number[];
  words: TokenizedWord[];
  unknownWords: string[];
  unknownToken?: string;
}

export interface TextExplanations {
  features: string[];
  tokens: TextToken[];
  samples: number;
  explanations: LabelExplanation[];
  sampling?: Sampling;
  bootstrap?: Bootstrap;
}

/** Values at the instance; logit = uc + mi. */
export interface InstanceValues {
  label: number;
  logit: number;
  uc: number;
  mi: number;
  g1: number;
  g2: number;
  mu: number;
}

/** Agreement of one surrogate over repeated runs with seeds seed, seed+1, ... (Dime.Engine StabilityReport). */
export interface PartStability {
  meanSpearman: number;
  minSpearman: number;
  meanTopKOverlap: number;
}

export interface LabelStability {
  label: number;
  name?: string;
  m: PartStability;
  uc: PartStability;
  mi: PartStability;
}

/** `quality.stability` when `options.quality.stabilityRuns` was set (docs/protocol.md leaves the shape open). */
export interface Stability {
  runs: number;
  topK?: number;
  seeds?: number[];
  image?: LabelStability[];
  text?: LabelStability[];
}

export interface Artifacts {
  folder: string;
  report: string;
  json: string;
  overlays: { modality: 'image' | 'text'; part: PartName; label: number; path: string }[];
}

export interface ExplanationResult {
  resultId: string;
  cached: boolean;
  model: ModelInfo;
  device: DeviceInfo;
  /** `index` and `line` are absent for an image file explained with a typed question. */
  sample: Omit<SampleInfo, 'index'> & { index?: number; width: number; height: number; datasetId?: string };
  labels: string[];
  prediction: { top: Answer[]; label: number };
  values: InstanceValues[];
  image?: ImageExplanations;
  text?: TextExplanations;
  quality?: { stability?: Stability; curves?: unknown };
  settings: { seed: number; referenceSize: number; referenceSeed: number; [option: string]: unknown };
  timings: Record<string, number>;
  /** Absent in the results explain-dataset stores (no overlays unless --artifacts); null when the cache folder
   *  could not be written: the result is still whole, but there are no files to export. */
  artifacts?: Artifacts | null;
  /** Absent in results of daemons before provenance existed. */
  provenance?: Provenance;
  /** E.g. a label string that is both a name and another label's index, a cache that could not be written. */
  warnings?: string[];
}

/** What a result was computed from (docs/protocol.md, "Provenance"): every input with the SHA-256 of its bytes. */
export interface Provenance {
  version: number;
  environment: {
    daemon: string;
    dotnet: string;
    onnxRuntime: string;
    os: string;
    architecture: string;
    simd: string;
    device: 'cpu' | 'cuda';
    deviceName: string;
    tf32: boolean;
  };
  model: { manifestPath: string; hash: string };
  sample: {
    datasetPath?: string;
    datasetFormat?: DatasetFormat;
    datasetHash?: string;
    index?: number;
    line?: number;
    id: string;
    imagePath: string;
    imageHash: string;
    question: string;
    answer?: string;
  };
  reference: {
    datasetPath: string;
    datasetFormat: DatasetFormat;
    datasetHash: string;
    size: number;
    seed: number;
    stratified: boolean;
    ids: string[];
    lines?: number[];
    imagesHash: string;
  };
  labels: { requested?: ExplainOptions['labels']; resolved?: number[] };
  random: { algorithm: string; seed: number; referenceSeed: number; streams: Record<string, number> };
  options: Record<string, unknown>;
  quality?: { stabilityRuns?: number; curves?: boolean };
}

/** Result of `dime/reproduce`: the stored result computed again from its provenance, every number compared. */
export interface ReproduceResult {
  resultId: string;
  identical: boolean;
  compared: number;
  differing: number;
  /** The largest difference; absent when every number is identical. */
  largest?: { path: string; stored: number; reproduced: number; difference: number };
  mismatches: string[];
  environmentChanges: string[];
  tolerance: number;
  withinTolerance: boolean;
  elapsedMs: number;
}

export interface DatasetOptions extends ExplainOptions {
  /** How many of the most interaction-driven samples the result lists (proposal, see DatasetResult). */
  topSamples?: number;
}

/**
 * Result of `dime/explainDataset`. docs/protocol.md names it without a shape; this is the shape the
 * extension's overview panel reads (a proposal for the daemon).
 */
export interface DatasetResult {
  resultId: string;
  model: ModelInfo;
  device: DeviceInfo;
  dataset: DatasetInfo;
  offset: number;
  count: number;
  labels: string[];
  /** EMAP: accuracy of f and of its additive projection (UC only) on the explained samples, in [0, 1]. */
  emap: { accuracy: number; projectedAccuracy: number; gap: number };
  /** Share of |UC| and |MI| of the logit, per predicted label, averaged over the samples predicting it. */
  perLabel: { label: number; count: number; ucShare: number; miShare: number }[];
  /** The samples most driven by interaction, highest miShare first. */
  samples: {
    index: number;
    id: string;
    question: string;
    answer?: string;
    predicted: number;
    logit: number;
    uc: number;
    mi: number;
    miShare: number;
  }[];
  settings: { seed: number; [option: string]: unknown };
  timings: Record<string, number>;
}

/** The strongest features of one part (M, UC or MI) for the predicted label: an image segment's number or a word. */
export interface IndexTopFeatures {
  m: { feature: string; weight: number }[];
  uc: { feature: string; weight: number }[];
  mi: { feature: string; weight: number }[];
}

/**
 * One line of the index.jsonl that `Dime.Daemon explain-dataset` writes next to results/<index>/result.json
 * (src/Dime.Daemon/Sharding/ExplanationIndex.cs, docs/slurm.md). `result` is relative to the output folder;
 * a sample that failed has `error` and no result.
 */
export interface DatasetIndexLine {
  index: number;
  id: string;
  key: string;
  question: string;
  answer?: string;
  prediction?: { label: string; labelIndex: number; probability: number };
  correct?: boolean;
  /** At the predicted label: the logit M = UC + MI. */
  values?: { m: number; uc: number; mi: number };
  miShare?: number;
  imageTop?: IndexTopFeatures;
  textTop?: IndexTopFeatures;
  result?: string;
  error?: { code: string; message: string };
}

export interface CompareResult {
  results: [ExplanationResult, ExplanationResult];
}

export interface ProgressValue {
  phase: string;
  fraction: number;
  message?: string;
  /** With `options.partial`: a fit of the rows so far (docs/protocol.md, PartialResult). */
  partial?: PartialResult;
}

/** A partial fit: a few labels' surrogates; segmentation or features and tokens with a modality's first partial only. */
export interface PartialResult {
  modality: 'image' | 'text';
  rows: number;
  plannedRows: number;
  /** The predicted label (the result's prediction.label), which the panel opens on. */
  predicted: number;
  convergence?: Convergence;
  explanations: LabelExplanation[];
  segmentation?: Segmentation;
  features?: string[];
  tokens?: TextToken[];
}

export interface VersionsInfo {
  daemon: string;
  dotnet: string;
  onnxRuntime: string;
}

export interface InitializeParams {
  clientInfo?: { name: string; version: string };
  processId?: number;
  cacheFolder?: string;
  device?: DeviceRequest;
}

export interface InitializeResult {
  serverInfo: { name: string; version: string };
  protocolVersion: number;
  capabilities: { methods: string[]; segmentations: string[]; hideModes: string[]; textMasks: string[] };
  versions: VersionsInfo;
  device: DeviceInfo;
}

export interface StatusResult {
  state: 'ready' | 'busy';
  versions: VersionsInfo;
  device: DeviceInfo;
  models: ModelInfo[];
  datasets: DatasetInfo[];
  cache: { folder: string; entries: number; bytes: number };
}

type Empty = Record<string, never>;

/** Parameters and result of every request, keyed by method name. */
export interface RequestMap {
  [Methods.initialize]: [InitializeParams, InitializeResult];
  [Methods.shutdown]: [undefined, null];
  [Methods.status]: [Empty, StatusResult];
  [Methods.loadModel]: [{ manifestPath: string }, ModelInfo];
  [Methods.unloadModel]: [{ modelId: string }, Empty];
  [Methods.openDataset]: [{ path: string; format?: DatasetFormat; fields?: DatasetFields }, DatasetInfo];
  [Methods.listSamples]: [{ datasetId: string; offset?: number; limit?: number }, { total: number; samples: SampleInfo[] }];
  [Methods.predict]: [{ modelId: string; sample: SampleRef; top?: number }, { sample: SampleInfo; top: Answer[]; logits: number[] }];
  [Methods.tokenize]: [{ modelId: string; text: string }, TokenizeResult];
  [Methods.explain]: [{ modelId: string; sample: SampleRef; options?: ExplainOptions; progressToken?: string }, ExplanationResult];
  [Methods.explainDataset]: [
    { modelId: string; datasetId: string; offset?: number; count?: number; options?: DatasetOptions; progressToken?: string },
    DatasetResult,
  ];
  [Methods.compare]: [{ modelIds: [string, string]; sample: SampleRef; options?: ExplainOptions; progressToken?: string }, CompareResult];
  [Methods.export]: [{ resultId: string; folder: string }, { files: string[] }];
  [Methods.reproduce]: [{ resultId?: string; path?: string; progressToken?: string }, ReproduceResult];
}

export type RequestMethod = keyof RequestMap;
export type ParamsOf<M extends RequestMethod> = RequestMap[M][0];
export type ResultOf<M extends RequestMethod> = RequestMap[M][1];
