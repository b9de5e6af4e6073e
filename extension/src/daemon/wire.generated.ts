// Generated from the daemon's wire records (docs/protocol.schema.json, src/Dime.Daemon/Cli/WireSchema.cs): do not edit.
// Regenerate: DIME_UPDATE_GENERATED=1 dotnet test tests/Dime.Daemon.Tests -c Release --filter WireContract
// Pure (no vscode, no node): the webview bundles import these types too.

export interface Answer {
  label: string;
  index: number;
  logit: number;
  probability: number;
}

export interface Artifacts {
  folder: string;
  report: string;
  json: string;
  overlays: Overlay[];
}

export interface BootstrapReport {
  resamples: number;
  topK: number;
  seed: number;
  labels: LabelStability[];
}

export interface CacheInfo {
  folder: string;
  entries: number;
  bytes: number;
}

export interface Capabilities {
  methods: string[];
  segmentations: string[];
  hideModes: string[];
  textMasks: string[];
  options: Record<string, OptionLimit>;
}

export interface ClientInfo {
  name: string;
  version?: string;
}

export interface CompareParams {
  modelIds: string[];
  sample: SampleRef;
  options?: ExplainOptions;
  progressToken?: unknown;
}

export interface CompareResult {
  results: ExplanationResult[];
}

export interface Convergence {
  topK: number;
  minTopKOverlap: number;
  minSpearman: number;
  maxRelativeChange: number;
  isStable: boolean;
}

export interface CurveReport {
  modality: string;
  label: number;
  part: 'm' | 'uc' | 'mi';
  order: number[];
  fractions: number[];
  deletion: number[];
  insertion: number[];
  deletionAuc: number;
  insertionAuc: number;
}

export interface DatasetFields {
  image?: string;
  question?: string;
  answer?: string;
  id?: string;
}

export interface DatasetInfo {
  datasetId: string;
  path: string;
  format: 'jsonl' | 'clevr';
  count: number;
  folder: string;
  warnings: string[];
}

export interface DatasetOptions {
  topSamples?: number;
}

export interface DatasetResult {
  resultId: string;
  model: ModelInfo;
  device: DeviceInfo;
  dataset: DatasetInfo;
  offset: number;
  count: number;
  samplesWithAnswers: number;
  labels: string[];
  emap: Emap;
  perLabel: LabelShare[];
  samples: InteractionSample[];
  skipped: string[];
  settings: Record<string, unknown>;
  timings: Record<string, number>;
}

export interface DeviceInfo {
  kind: 'cpu' | 'cuda';
  requested: 'auto' | 'cuda' | 'cpu';
  name: string;
  fallbackReason?: string;
}

export interface Emap {
  accuracy?: number;
  projectedAccuracy?: number;
  gap?: number;
}

export interface ErrorData {
  name: string;
  subject?: string;
}

export interface ExplainDatasetParams {
  modelId: string;
  datasetId: string;
  offset?: number;
  count?: number;
  options?: DatasetOptions;
  progressToken?: unknown;
}

export interface ExplainOptions {
  labels?: unknown;
  modalities?: string[];
  imageSamples?: number;
  textSamples?: number;
  referenceSize?: number;
  referenceDatasetId?: string;
  stratified?: boolean;
  referenceSeed?: number;
  segmentation?: Segmentation;
  hide?: Hide;
  textFeatures?: 'words' | 'positions';
  textMask?: 'delete' | 'mask';
  imageFeatures?: number;
  textFeatureCount?: number;
  featureSelection?: FeatureSelection;
  quality?: Quality;
  seed?: number;
  partners?: number;
  partnerEstimator?: 'perRow' | 'shared';
  partial?: boolean;
  untilStable?: boolean;
}

export interface ExplainParams {
  modelId: string;
  sample: SampleRef;
  options?: ExplainOptions;
  progressToken?: unknown;
}

export interface ExplainedSample {
  index?: number;
  id: string;
  imagePath: string;
  question: string;
  answer?: string;
  line?: number;
  width: number;
  height: number;
  datasetId?: string;
}

export interface ExplanationResult {
  resultId: string;
  cached: boolean;
  model: ModelInfo;
  device: DeviceInfo;
  sample: ExplainedSample;
  labels: string[];
  prediction: Prediction;
  values: InstanceValues[];
  image?: ImageExplanation;
  text?: TextExplanation;
  quality?: QualityResult;
  settings: Record<string, unknown>;
  timings: Record<string, number>;
  artifacts?: Artifacts;
  provenance?: Provenance;
  warnings?: string[];
}

export interface ExportParams {
  resultId: string;
  folder: string;
}

export interface ExportResult {
  files: string[];
}

export interface FeatureSelection {
  image?: 'none' | 'auto' | 'forward' | 'highestWeights';
  text?: 'none' | 'auto' | 'forward' | 'highestWeights';
}

export interface FindSampleParams {
  path: string;
  line?: number;
  column?: number;
  id?: string;
  format?: 'jsonl' | 'clevr';
  fields?: DatasetFields;
}

export interface FindSampleResult {
  dataset: DatasetInfo;
  sample: SampleInfo;
}

export interface Hide {
  mode?: 'median' | 'mean' | 'constant' | 'blur';
  color?: number[];
  sigma?: number;
}

export interface ImageExplanation {
  segmentation: SegmentationInfo;
  samples: number;
  explanations: LabelExplanation[];
  sampling?: SamplingInfo;
  bootstrap?: BootstrapReport;
}

export interface IndexError {
  code: string;
  message: string;
}

export interface IndexLine {
  index: number;
  id: string;
  key: string;
  question: string;
  answer?: string;
  prediction?: IndexPrediction;
  correct?: boolean;
  values?: IndexValues;
  miShare?: number;
  imageTop?: TopFeatures;
  textTop?: TopFeatures;
  result?: string;
  error?: IndexError;
}

export interface IndexPrediction {
  label: string;
  labelIndex: number;
  probability: number;
}

export interface IndexValues {
  m: number;
  uc: number;
  mi: number;
}

export interface InitializeParams {
  clientInfo?: ClientInfo;
  processId?: number;
  cacheFolder?: string;
  device?: 'auto' | 'cuda' | 'cpu';
}

export interface InitializeResult {
  serverInfo: ServerInfo;
  protocolVersion: number;
  capabilities: Capabilities;
  versions: Versions;
  device: DeviceInfo;
}

export interface InstanceValues {
  label: number;
  logit: number;
  uc: number;
  mi: number;
  g1: number;
  g2: number;
  mu: number;
}

export interface InteractionSample {
  index: number;
  id: string;
  question: string;
  answer?: string;
  predicted: number;
  projected: number;
  logit: number;
  uc: number;
  mi: number;
  miShare: number;
}

export interface LabelExplanation {
  label: number;
  m: Part;
  uc: Part;
  mi: Part;
}

export interface LabelShare {
  label: number;
  count: number;
  ucShare: number;
  miShare: number;
}

export interface LabelStability {
  label: number;
  name: string;
  m: PartStability;
  uc: PartStability;
  mi: PartStability;
}

export interface ListSamplesParams {
  datasetId: string;
  offset?: number;
  limit?: number;
}

export interface ListSamplesResult {
  total: number;
  samples: SampleInfo[];
}

export interface LoadModelParams {
  manifestPath: string;
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
  warnings?: string[];
}

export interface NumberDifference {
  path: string;
  stored: number;
  reproduced: number;
  difference: number;
}

export interface OpenDatasetParams {
  path: string;
  format?: 'jsonl' | 'clevr';
  fields?: DatasetFields;
}

export interface OptionLimit {
  default: number;
  min: number;
  max: number;
}

export interface Overlay {
  modality: 'image' | 'text';
  part: 'm' | 'uc' | 'mi';
  label: number;
  path: string;
}

export interface Part {
  weights: number[];
  selected: number[];
  intercept: number;
  r2: number;
  localPrediction: number;
}

export interface PartStability {
  meanSpearman: number;
  minSpearman: number;
  meanTopKOverlap: number;
}

export interface PartialResult {
  modality: 'image' | 'text';
  rows: number;
  plannedRows: number;
  predicted: number;
  convergence?: Convergence;
  explanations: LabelExplanation[];
  segmentation?: SegmentationInfo;
  features?: string[];
  tokens?: TextToken[];
}

export interface PredictParams {
  modelId: string;
  sample: SampleRef;
  top?: number;
}

export interface PredictResult {
  sample: ExplainedSample;
  top: Answer[];
  logits: number[];
}

export interface Prediction {
  top: Answer[];
  label: number;
}

export interface ProgressParams {
  token: unknown;
  value: ProgressValue;
}

export interface ProgressValue {
  phase: string;
  fraction: number;
  message?: string;
  partial?: PartialResult;
}

export interface Provenance {
  version: number;
  environment: ProvenanceEnvironment;
  model: ProvenanceModel;
  sample: ProvenanceSample;
  reference: ProvenanceReference;
  labels: ProvenanceLabels;
  random: ProvenanceRandom;
  options: Record<string, unknown>;
  quality?: Quality;
}

export interface ProvenanceEnvironment {
  daemon: string;
  dotnet: string;
  onnxRuntime: string;
  os: string;
  architecture: string;
  simd: string;
  device: string;
  deviceName: string;
  tf32: boolean;
}

export interface ProvenanceLabels {
  requested?: unknown;
  resolved?: number[];
}

export interface ProvenanceModel {
  manifestPath: string;
  hash: string;
}

export interface ProvenanceRandom {
  algorithm: string;
  seed: number;
  referenceSeed: number;
  streams: Record<string, number>;
}

export interface ProvenanceReference {
  datasetPath: string;
  datasetFormat: string;
  datasetHash: string;
  size: number;
  seed: number;
  stratified: boolean;
  ids: string[];
  lines?: number[];
  imagesHash: string;
}

export interface ProvenanceSample {
  datasetPath?: string;
  datasetFormat?: string;
  datasetHash?: string;
  index?: number;
  line?: number;
  id: string;
  imagePath: string;
  imageHash: string;
  question: string;
  answer?: string;
}

export interface Quality {
  stabilityRuns?: number;
  curves?: boolean;
  bootstrap?: number;
}

export interface QualityResult {
  stability?: StabilityReport;
  curves?: CurveReport[];
}

export interface ReproduceParams {
  resultId?: string;
  path?: string;
  progressToken?: unknown;
}

export interface ReproduceResult {
  resultId: string;
  identical: boolean;
  compared: number;
  differing: number;
  largest?: NumberDifference;
  mismatches: string[];
  environmentChanges: string[];
  tolerance: number;
  withinTolerance: boolean;
  elapsedMs: number;
}

export interface SampleInfo {
  index: number;
  id: string;
  imagePath: string;
  question: string;
  answer?: string;
  line?: number;
}

export interface SampleRef {
  datasetId?: string;
  index?: number;
  imagePath?: string;
  question?: string;
  answer?: string;
  path?: string;
  line?: number;
  column?: number;
  id?: string;
}

export interface SamplingInfo {
  plannedRows: number;
  rows: number;
  stoppedEarly: boolean;
  lastConvergence?: Convergence;
  estimator: 'exact' | 'perRow' | 'shared';
  partners: number;
  referenceSize: number;
  pairPasses: number;
}

export interface Segmentation {
  method?: 'auto' | 'quickshift' | 'slic' | 'grid';
  kernelSize?: number;
  maxDist?: number;
  ratio?: number;
  segments?: number;
  compactness?: number;
  rows?: number;
  columns?: number;
  seed?: number;
}

export interface SegmentationInfo {
  method: string;
  parameters: Record<string, unknown>;
  count: number;
  width: number;
  height: number;
  map: number[];
}

export interface ServerInfo {
  name: string;
  version: string;
}

export interface StabilityReport {
  runs: number;
  topK: number;
  seeds: number[];
  image?: LabelStability[];
  text?: LabelStability[];
}

export interface StatusResult {
  state: 'ready' | 'busy';
  running: number;
  versions: Versions;
  device: DeviceInfo;
  models: ModelInfo[];
  datasets: DatasetInfo[];
  cache: CacheInfo;
}

export interface TextExplanation {
  features: string[];
  tokens: TextToken[];
  samples: number;
  explanations: LabelExplanation[];
  sampling?: SamplingInfo;
  bootstrap?: BootstrapReport;
}

export interface TextToken {
  text: string;
  feature: number;
  unknown?: boolean;
}

export interface TokenizeParams {
  modelId: string;
  text: string;
}

export interface TokenizeResult {
  kind: 'words' | 'wordpiece' | 'bpe';
  maxLength: number;
  count: number;
  truncated: boolean;
  ids: number[];
  tokens: string[];
  attentionMask: number[];
  words: TokenizedWordInfo[];
  unknownWords: string[];
  unknownToken?: string;
}

export interface TokenizedWordInfo {
  text: string;
  tokens: string[];
  ids: number[];
  unknown: boolean;
}

export interface TopFeature {
  feature: string;
  weight: number;
}

export interface TopFeatures {
  m: TopFeature[];
  uc: TopFeature[];
  mi: TopFeature[];
}

export interface UnloadModelParams {
  modelId: string;
}

export type UnloadModelResult = Record<string, never>;

export interface Versions {
  daemon: string;
  dotnet: string;
  onnxRuntime: string;
}

/** Parameters and result of every request, keyed by method name (undefined: the request has no params). */
export interface RequestMap {
  'dime/compare': [CompareParams, CompareResult];
  'dime/explain': [ExplainParams, ExplanationResult];
  'dime/explainDataset': [ExplainDatasetParams, DatasetResult];
  'dime/export': [ExportParams, ExportResult];
  'dime/findSample': [FindSampleParams, FindSampleResult];
  'dime/listSamples': [ListSamplesParams, ListSamplesResult];
  'dime/loadModel': [LoadModelParams, ModelInfo];
  'dime/openDataset': [OpenDatasetParams, DatasetInfo];
  'dime/predict': [PredictParams, PredictResult];
  'dime/reproduce': [ReproduceParams, ReproduceResult];
  'dime/status': [unknown, StatusResult];
  'dime/tokenize': [TokenizeParams, TokenizeResult];
  'dime/unloadModel': [UnloadModelParams, UnloadModelResult];
  'initialize': [InitializeParams, InitializeResult];
  'shutdown': [undefined, unknown];
}

/** The params of every notification, keyed by method name. */
export interface NotificationMap {
  '$/progress': ProgressParams;
  'exit': undefined;
}

/** Every named shape of the protocol, by name (the guards' keys). */
export interface WireTypes {
  Answer: Answer;
  Artifacts: Artifacts;
  BootstrapReport: BootstrapReport;
  CacheInfo: CacheInfo;
  Capabilities: Capabilities;
  ClientInfo: ClientInfo;
  CompareParams: CompareParams;
  CompareResult: CompareResult;
  Convergence: Convergence;
  CurveReport: CurveReport;
  DatasetFields: DatasetFields;
  DatasetInfo: DatasetInfo;
  DatasetOptions: DatasetOptions;
  DatasetResult: DatasetResult;
  DeviceInfo: DeviceInfo;
  Emap: Emap;
  ErrorData: ErrorData;
  ExplainDatasetParams: ExplainDatasetParams;
  ExplainOptions: ExplainOptions;
  ExplainParams: ExplainParams;
  ExplainedSample: ExplainedSample;
  ExplanationResult: ExplanationResult;
  ExportParams: ExportParams;
  ExportResult: ExportResult;
  FeatureSelection: FeatureSelection;
  FindSampleParams: FindSampleParams;
  FindSampleResult: FindSampleResult;
  Hide: Hide;
  ImageExplanation: ImageExplanation;
  IndexError: IndexError;
  IndexLine: IndexLine;
  IndexPrediction: IndexPrediction;
  IndexValues: IndexValues;
  InitializeParams: InitializeParams;
  InitializeResult: InitializeResult;
  InstanceValues: InstanceValues;
  InteractionSample: InteractionSample;
  LabelExplanation: LabelExplanation;
  LabelShare: LabelShare;
  LabelStability: LabelStability;
  ListSamplesParams: ListSamplesParams;
  ListSamplesResult: ListSamplesResult;
  LoadModelParams: LoadModelParams;
  ModelInfo: ModelInfo;
  NumberDifference: NumberDifference;
  OpenDatasetParams: OpenDatasetParams;
  OptionLimit: OptionLimit;
  Overlay: Overlay;
  Part: Part;
  PartStability: PartStability;
  PartialResult: PartialResult;
  PredictParams: PredictParams;
  PredictResult: PredictResult;
  Prediction: Prediction;
  ProgressParams: ProgressParams;
  ProgressValue: ProgressValue;
  Provenance: Provenance;
  ProvenanceEnvironment: ProvenanceEnvironment;
  ProvenanceLabels: ProvenanceLabels;
  ProvenanceModel: ProvenanceModel;
  ProvenanceRandom: ProvenanceRandom;
  ProvenanceReference: ProvenanceReference;
  ProvenanceSample: ProvenanceSample;
  Quality: Quality;
  QualityResult: QualityResult;
  ReproduceParams: ReproduceParams;
  ReproduceResult: ReproduceResult;
  SampleInfo: SampleInfo;
  SampleRef: SampleRef;
  SamplingInfo: SamplingInfo;
  Segmentation: Segmentation;
  SegmentationInfo: SegmentationInfo;
  ServerInfo: ServerInfo;
  StabilityReport: StabilityReport;
  StatusResult: StatusResult;
  TextExplanation: TextExplanation;
  TextToken: TextToken;
  TokenizeParams: TokenizeParams;
  TokenizeResult: TokenizeResult;
  TokenizedWordInfo: TokenizedWordInfo;
  TopFeature: TopFeature;
  TopFeatures: TopFeatures;
  UnloadModelParams: UnloadModelParams;
  UnloadModelResult: UnloadModelResult;
  Versions: Versions;
}

/** The subset of JSON Schema that the definitions use. */
export interface WireSchema {
  $ref?: string;
  type?: string | readonly string[];
  enum?: readonly string[];
  items?: WireSchema;
  properties?: Readonly<Record<string, WireSchema>>;
  required?: readonly string[];
  additionalProperties?: WireSchema | boolean;
}

/** The schema's $defs, for the runtime guards. */
export const WIRE_DEFS: Readonly<Record<keyof WireTypes, WireSchema>> = {
  Answer: {"type":"object","properties":{"label":{"type":"string"},"index":{"type":"integer"},"logit":{"type":"number"},"probability":{"type":"number"}},"required":["label","index","logit","probability"]},
  Artifacts: {"type":"object","properties":{"folder":{"type":"string"},"report":{"type":"string"},"json":{"type":"string"},"overlays":{"type":"array","items":{"$ref":"#/$defs/Overlay"}}},"required":["folder","report","json","overlays"]},
  BootstrapReport: {"type":"object","properties":{"resamples":{"type":"integer"},"topK":{"type":"integer"},"seed":{"type":"integer"},"labels":{"type":"array","items":{"$ref":"#/$defs/LabelStability"}}},"required":["resamples","topK","seed","labels"]},
  CacheInfo: {"type":"object","properties":{"folder":{"type":"string"},"entries":{"type":"integer"},"bytes":{"type":"integer"}},"required":["folder","entries","bytes"]},
  Capabilities: {"type":"object","properties":{"methods":{"type":"array","items":{"type":"string"}},"segmentations":{"type":"array","items":{"type":"string"}},"hideModes":{"type":"array","items":{"type":"string"}},"textMasks":{"type":"array","items":{"type":"string"}},"options":{"type":"object","additionalProperties":{"$ref":"#/$defs/OptionLimit"}}},"required":["methods","segmentations","hideModes","textMasks","options"]},
  ClientInfo: {"type":"object","properties":{"name":{"type":"string"},"version":{"type":"string"}},"required":["name"]},
  CompareParams: {"type":"object","properties":{"modelIds":{"type":"array","items":{"type":"string"}},"sample":{"$ref":"#/$defs/SampleRef"},"options":{"$ref":"#/$defs/ExplainOptions"},"progressToken":{}},"required":["modelIds","sample"]},
  CompareResult: {"type":"object","properties":{"results":{"type":"array","items":{"$ref":"#/$defs/ExplanationResult"}}},"required":["results"]},
  Convergence: {"type":"object","properties":{"topK":{"type":"integer"},"minTopKOverlap":{"type":"number"},"minSpearman":{"type":"number"},"maxRelativeChange":{"type":"number"},"isStable":{"type":"boolean"}},"required":["topK","minTopKOverlap","minSpearman","maxRelativeChange","isStable"]},
  CurveReport: {"type":"object","properties":{"modality":{"type":"string"},"label":{"type":"integer"},"part":{"enum":["m","uc","mi"]},"order":{"type":"array","items":{"type":"integer"}},"fractions":{"type":"array","items":{"type":"number"}},"deletion":{"type":"array","items":{"type":"number"}},"insertion":{"type":"array","items":{"type":"number"}},"deletionAuc":{"type":"number"},"insertionAuc":{"type":"number"}},"required":["modality","label","part","order","fractions","deletion","insertion","deletionAuc","insertionAuc"]},
  DatasetFields: {"type":"object","properties":{"image":{"type":"string"},"question":{"type":"string"},"answer":{"type":"string"},"id":{"type":"string"}},"required":[]},
  DatasetInfo: {"type":"object","properties":{"datasetId":{"type":"string"},"path":{"type":"string"},"format":{"type":"string","enum":["jsonl","clevr"]},"count":{"type":"integer"},"folder":{"type":"string"},"warnings":{"type":"array","items":{"type":"string"}}},"required":["datasetId","path","format","count","folder","warnings"]},
  DatasetOptions: {"type":"object","properties":{"topSamples":{"type":"integer"}},"required":[]},
  DatasetResult: {"type":"object","properties":{"resultId":{"type":"string"},"model":{"$ref":"#/$defs/ModelInfo"},"device":{"$ref":"#/$defs/DeviceInfo"},"dataset":{"$ref":"#/$defs/DatasetInfo"},"offset":{"type":"integer"},"count":{"type":"integer"},"samplesWithAnswers":{"type":"integer"},"labels":{"type":"array","items":{"type":"string"}},"emap":{"$ref":"#/$defs/Emap"},"perLabel":{"type":"array","items":{"$ref":"#/$defs/LabelShare"}},"samples":{"type":"array","items":{"$ref":"#/$defs/InteractionSample"}},"skipped":{"type":"array","items":{"type":"string"}},"settings":{"type":"object"},"timings":{"type":"object","additionalProperties":{"type":"number"}}},"required":["resultId","model","device","dataset","offset","count","samplesWithAnswers","labels","emap","perLabel","samples","skipped","settings","timings"]},
  DeviceInfo: {"type":"object","properties":{"kind":{"type":"string","enum":["cpu","cuda"]},"requested":{"type":"string","enum":["auto","cuda","cpu"]},"name":{"type":"string"},"fallbackReason":{"type":"string"}},"required":["kind","requested","name"]},
  Emap: {"type":"object","properties":{"accuracy":{"type":"number"},"projectedAccuracy":{"type":"number"},"gap":{"type":"number"}},"required":[]},
  ErrorData: {"type":"object","properties":{"name":{"type":"string"},"subject":{"type":"string"}},"required":["name"]},
  ExplainDatasetParams: {"type":"object","properties":{"modelId":{"type":"string"},"datasetId":{"type":"string"},"offset":{"type":"integer"},"count":{"type":"integer"},"options":{"$ref":"#/$defs/DatasetOptions"},"progressToken":{}},"required":["modelId","datasetId"]},
  ExplainOptions: {"type":"object","properties":{"labels":{},"modalities":{"type":"array","items":{"type":"string"}},"imageSamples":{"type":"integer"},"textSamples":{"type":"integer"},"referenceSize":{"type":"integer"},"referenceDatasetId":{"type":"string"},"stratified":{"type":"boolean"},"referenceSeed":{"type":"integer"},"segmentation":{"$ref":"#/$defs/Segmentation"},"hide":{"$ref":"#/$defs/Hide"},"textFeatures":{"type":"string","enum":["words","positions"]},"textMask":{"type":"string","enum":["delete","mask"]},"imageFeatures":{"type":"integer"},"textFeatureCount":{"type":"integer"},"featureSelection":{"$ref":"#/$defs/FeatureSelection"},"quality":{"$ref":"#/$defs/Quality"},"seed":{"type":"integer"},"partners":{"type":"integer"},"partnerEstimator":{"type":"string","enum":["perRow","shared"]},"partial":{"type":"boolean"},"untilStable":{"type":"boolean"}},"required":[]},
  ExplainParams: {"type":"object","properties":{"modelId":{"type":"string"},"sample":{"$ref":"#/$defs/SampleRef"},"options":{"$ref":"#/$defs/ExplainOptions"},"progressToken":{}},"required":["modelId","sample"]},
  ExplainedSample: {"type":"object","properties":{"index":{"type":"integer"},"id":{"type":"string"},"imagePath":{"type":"string"},"question":{"type":"string"},"answer":{"type":"string"},"line":{"type":"integer"},"width":{"type":"integer"},"height":{"type":"integer"},"datasetId":{"type":"string"}},"required":["id","imagePath","question","width","height"]},
  ExplanationResult: {"type":"object","properties":{"resultId":{"type":"string"},"cached":{"type":"boolean"},"model":{"$ref":"#/$defs/ModelInfo"},"device":{"$ref":"#/$defs/DeviceInfo"},"sample":{"$ref":"#/$defs/ExplainedSample"},"labels":{"type":"array","items":{"type":"string"}},"prediction":{"$ref":"#/$defs/Prediction"},"values":{"type":"array","items":{"$ref":"#/$defs/InstanceValues"}},"image":{"$ref":"#/$defs/ImageExplanation"},"text":{"$ref":"#/$defs/TextExplanation"},"quality":{"$ref":"#/$defs/QualityResult"},"settings":{"type":"object"},"timings":{"type":"object","additionalProperties":{"type":"number"}},"artifacts":{"$ref":"#/$defs/Artifacts"},"provenance":{"$ref":"#/$defs/Provenance"},"warnings":{"type":"array","items":{"type":"string"}}},"required":["resultId","cached","model","device","sample","labels","prediction","values","settings","timings"]},
  ExportParams: {"type":"object","properties":{"resultId":{"type":"string"},"folder":{"type":"string"}},"required":["resultId","folder"]},
  ExportResult: {"type":"object","properties":{"files":{"type":"array","items":{"type":"string"}}},"required":["files"]},
  FeatureSelection: {"type":"object","properties":{"image":{"type":"string","enum":["none","auto","forward","highestWeights"]},"text":{"type":"string","enum":["none","auto","forward","highestWeights"]}},"required":[]},
  FindSampleParams: {"type":"object","properties":{"path":{"type":"string"},"line":{"type":"integer"},"column":{"type":"integer"},"id":{"type":"string"},"format":{"type":"string","enum":["jsonl","clevr"]},"fields":{"$ref":"#/$defs/DatasetFields"}},"required":["path"]},
  FindSampleResult: {"type":"object","properties":{"dataset":{"$ref":"#/$defs/DatasetInfo"},"sample":{"$ref":"#/$defs/SampleInfo"}},"required":["dataset","sample"]},
  Hide: {"type":"object","properties":{"mode":{"type":"string","enum":["median","mean","constant","blur"]},"color":{"type":"array","items":{"type":"integer"}},"sigma":{"type":"number"}},"required":[]},
  ImageExplanation: {"type":"object","properties":{"segmentation":{"$ref":"#/$defs/SegmentationInfo"},"samples":{"type":"integer"},"explanations":{"type":"array","items":{"$ref":"#/$defs/LabelExplanation"}},"sampling":{"$ref":"#/$defs/SamplingInfo"},"bootstrap":{"$ref":"#/$defs/BootstrapReport"}},"required":["segmentation","samples","explanations"]},
  IndexError: {"type":"object","properties":{"code":{"type":"string"},"message":{"type":"string"}},"required":["code","message"]},
  IndexLine: {"type":"object","properties":{"index":{"type":"integer"},"id":{"type":"string"},"key":{"type":"string"},"question":{"type":"string"},"answer":{"type":"string"},"prediction":{"$ref":"#/$defs/IndexPrediction"},"correct":{"type":"boolean"},"values":{"$ref":"#/$defs/IndexValues"},"miShare":{"type":"number"},"imageTop":{"$ref":"#/$defs/TopFeatures"},"textTop":{"$ref":"#/$defs/TopFeatures"},"result":{"type":"string"},"error":{"$ref":"#/$defs/IndexError"}},"required":["index","id","key","question"]},
  IndexPrediction: {"type":"object","properties":{"label":{"type":"string"},"labelIndex":{"type":"integer"},"probability":{"type":"number"}},"required":["label","labelIndex","probability"]},
  IndexValues: {"type":"object","properties":{"m":{"type":"number"},"uc":{"type":"number"},"mi":{"type":"number"}},"required":["m","uc","mi"]},
  InitializeParams: {"type":"object","properties":{"clientInfo":{"$ref":"#/$defs/ClientInfo"},"processId":{"type":"integer"},"cacheFolder":{"type":"string"},"device":{"type":"string","enum":["auto","cuda","cpu"]}},"required":[]},
  InitializeResult: {"type":"object","properties":{"serverInfo":{"$ref":"#/$defs/ServerInfo"},"protocolVersion":{"type":"integer"},"capabilities":{"$ref":"#/$defs/Capabilities"},"versions":{"$ref":"#/$defs/Versions"},"device":{"$ref":"#/$defs/DeviceInfo"}},"required":["serverInfo","protocolVersion","capabilities","versions","device"]},
  InstanceValues: {"type":"object","properties":{"label":{"type":"integer"},"logit":{"type":"number"},"uc":{"type":"number"},"mi":{"type":"number"},"g1":{"type":"number"},"g2":{"type":"number"},"mu":{"type":"number"}},"required":["label","logit","uc","mi","g1","g2","mu"]},
  InteractionSample: {"type":"object","properties":{"index":{"type":"integer"},"id":{"type":"string"},"question":{"type":"string"},"answer":{"type":"string"},"predicted":{"type":"integer"},"projected":{"type":"integer"},"logit":{"type":"number"},"uc":{"type":"number"},"mi":{"type":"number"},"miShare":{"type":"number"}},"required":["index","id","question","predicted","projected","logit","uc","mi","miShare"]},
  LabelExplanation: {"type":"object","properties":{"label":{"type":"integer"},"m":{"$ref":"#/$defs/Part"},"uc":{"$ref":"#/$defs/Part"},"mi":{"$ref":"#/$defs/Part"}},"required":["label","m","uc","mi"]},
  LabelShare: {"type":"object","properties":{"label":{"type":"integer"},"count":{"type":"integer"},"ucShare":{"type":"number"},"miShare":{"type":"number"}},"required":["label","count","ucShare","miShare"]},
  LabelStability: {"type":"object","properties":{"label":{"type":"integer"},"name":{"type":"string"},"m":{"$ref":"#/$defs/PartStability"},"uc":{"$ref":"#/$defs/PartStability"},"mi":{"$ref":"#/$defs/PartStability"}},"required":["label","name","m","uc","mi"]},
  ListSamplesParams: {"type":"object","properties":{"datasetId":{"type":"string"},"offset":{"type":"integer"},"limit":{"type":"integer"}},"required":["datasetId"]},
  ListSamplesResult: {"type":"object","properties":{"total":{"type":"integer"},"samples":{"type":"array","items":{"$ref":"#/$defs/SampleInfo"}}},"required":["total","samples"]},
  LoadModelParams: {"type":"object","properties":{"manifestPath":{"type":"string"}},"required":["manifestPath"]},
  ModelInfo: {"type":"object","properties":{"modelId":{"type":"string"},"name":{"type":"string"},"manifestPath":{"type":"string"},"labels":{"type":"array","items":{"type":"string"}},"split":{"type":"boolean"},"hash":{"type":"string"},"device":{"$ref":"#/$defs/DeviceInfo"},"maskToken":{"type":"string"},"warnings":{"type":"array","items":{"type":"string"}}},"required":["modelId","name","manifestPath","labels","split","hash","device"]},
  NumberDifference: {"type":"object","properties":{"path":{"type":"string"},"stored":{"type":"number"},"reproduced":{"type":"number"},"difference":{"type":"number"}},"required":["path","stored","reproduced","difference"]},
  OpenDatasetParams: {"type":"object","properties":{"path":{"type":"string"},"format":{"type":"string","enum":["jsonl","clevr"]},"fields":{"$ref":"#/$defs/DatasetFields"}},"required":["path"]},
  OptionLimit: {"type":"object","properties":{"default":{"type":"integer"},"min":{"type":"integer"},"max":{"type":"integer"}},"required":["default","min","max"]},
  Overlay: {"type":"object","properties":{"modality":{"type":"string","enum":["image","text"]},"part":{"type":"string","enum":["m","uc","mi"]},"label":{"type":"integer"},"path":{"type":"string"}},"required":["modality","part","label","path"]},
  Part: {"type":"object","properties":{"weights":{"type":"array","items":{"type":"number"}},"selected":{"type":"array","items":{"type":"integer"}},"intercept":{"type":"number"},"r2":{"type":"number"},"localPrediction":{"type":"number"}},"required":["weights","selected","intercept","r2","localPrediction"]},
  PartStability: {"type":"object","properties":{"meanSpearman":{"type":"number"},"minSpearman":{"type":"number"},"meanTopKOverlap":{"type":"number"}},"required":["meanSpearman","minSpearman","meanTopKOverlap"]},
  PartialResult: {"type":"object","properties":{"modality":{"type":"string","enum":["image","text"]},"rows":{"type":"integer"},"plannedRows":{"type":"integer"},"predicted":{"type":"integer"},"convergence":{"$ref":"#/$defs/Convergence"},"explanations":{"type":"array","items":{"$ref":"#/$defs/LabelExplanation"}},"segmentation":{"$ref":"#/$defs/SegmentationInfo"},"features":{"type":"array","items":{"type":"string"}},"tokens":{"type":"array","items":{"$ref":"#/$defs/TextToken"}}},"required":["modality","rows","plannedRows","predicted","explanations"]},
  PredictParams: {"type":"object","properties":{"modelId":{"type":"string"},"sample":{"$ref":"#/$defs/SampleRef"},"top":{"type":"integer"}},"required":["modelId","sample"]},
  PredictResult: {"type":"object","properties":{"sample":{"$ref":"#/$defs/ExplainedSample"},"top":{"type":"array","items":{"$ref":"#/$defs/Answer"}},"logits":{"type":"array","items":{"type":"number"}}},"required":["sample","top","logits"]},
  Prediction: {"type":"object","properties":{"top":{"type":"array","items":{"$ref":"#/$defs/Answer"}},"label":{"type":"integer"}},"required":["top","label"]},
  ProgressParams: {"type":"object","properties":{"token":{},"value":{"$ref":"#/$defs/ProgressValue"}},"required":["token","value"]},
  ProgressValue: {"type":"object","properties":{"phase":{"type":"string"},"fraction":{"type":"number"},"message":{"type":"string"},"partial":{"$ref":"#/$defs/PartialResult"}},"required":["phase","fraction"]},
  Provenance: {"type":"object","properties":{"version":{"type":"integer"},"environment":{"$ref":"#/$defs/ProvenanceEnvironment"},"model":{"$ref":"#/$defs/ProvenanceModel"},"sample":{"$ref":"#/$defs/ProvenanceSample"},"reference":{"$ref":"#/$defs/ProvenanceReference"},"labels":{"$ref":"#/$defs/ProvenanceLabels"},"random":{"$ref":"#/$defs/ProvenanceRandom"},"options":{"type":"object"},"quality":{"$ref":"#/$defs/Quality"}},"required":["version","environment","model","sample","reference","labels","random","options"]},
  ProvenanceEnvironment: {"type":"object","properties":{"daemon":{"type":"string"},"dotnet":{"type":"string"},"onnxRuntime":{"type":"string"},"os":{"type":"string"},"architecture":{"type":"string"},"simd":{"type":"string"},"device":{"type":"string"},"deviceName":{"type":"string"},"tf32":{"type":"boolean"}},"required":["daemon","dotnet","onnxRuntime","os","architecture","simd","device","deviceName","tf32"]},
  ProvenanceLabels: {"type":"object","properties":{"requested":{},"resolved":{"type":"array","items":{"type":"integer"}}},"required":[]},
  ProvenanceModel: {"type":"object","properties":{"manifestPath":{"type":"string"},"hash":{"type":"string"}},"required":["manifestPath","hash"]},
  ProvenanceRandom: {"type":"object","properties":{"algorithm":{"type":"string"},"seed":{"type":"integer"},"referenceSeed":{"type":"integer"},"streams":{"type":"object","additionalProperties":{"type":"integer"}}},"required":["algorithm","seed","referenceSeed","streams"]},
  ProvenanceReference: {"type":"object","properties":{"datasetPath":{"type":"string"},"datasetFormat":{"type":"string"},"datasetHash":{"type":"string"},"size":{"type":"integer"},"seed":{"type":"integer"},"stratified":{"type":"boolean"},"ids":{"type":"array","items":{"type":"string"}},"lines":{"type":"array","items":{"type":"integer"}},"imagesHash":{"type":"string"}},"required":["datasetPath","datasetFormat","datasetHash","size","seed","stratified","ids","imagesHash"]},
  ProvenanceSample: {"type":"object","properties":{"datasetPath":{"type":"string"},"datasetFormat":{"type":"string"},"datasetHash":{"type":"string"},"index":{"type":"integer"},"line":{"type":"integer"},"id":{"type":"string"},"imagePath":{"type":"string"},"imageHash":{"type":"string"},"question":{"type":"string"},"answer":{"type":"string"}},"required":["id","imagePath","imageHash","question"]},
  Quality: {"type":"object","properties":{"stabilityRuns":{"type":"integer"},"curves":{"type":"boolean"},"bootstrap":{"type":"integer"}},"required":[]},
  QualityResult: {"type":"object","properties":{"stability":{"$ref":"#/$defs/StabilityReport"},"curves":{"type":"array","items":{"$ref":"#/$defs/CurveReport"}}},"required":[]},
  ReproduceParams: {"type":"object","properties":{"resultId":{"type":"string"},"path":{"type":"string"},"progressToken":{}},"required":[]},
  ReproduceResult: {"type":"object","properties":{"resultId":{"type":"string"},"identical":{"type":"boolean"},"compared":{"type":"integer"},"differing":{"type":"integer"},"largest":{"$ref":"#/$defs/NumberDifference"},"mismatches":{"type":"array","items":{"type":"string"}},"environmentChanges":{"type":"array","items":{"type":"string"}},"tolerance":{"type":"number"},"withinTolerance":{"type":"boolean"},"elapsedMs":{"type":"number"}},"required":["resultId","identical","compared","differing","mismatches","environmentChanges","tolerance","withinTolerance","elapsedMs"]},
  SampleInfo: {"type":"object","properties":{"index":{"type":"integer"},"id":{"type":"string"},"imagePath":{"type":"string"},"question":{"type":"string"},"answer":{"type":"string"},"line":{"type":"integer"}},"required":["index","id","imagePath","question"]},
  SampleRef: {"type":"object","properties":{"datasetId":{"type":"string"},"index":{"type":"integer"},"imagePath":{"type":"string"},"question":{"type":"string"},"answer":{"type":"string"},"path":{"type":"string"},"line":{"type":"integer"},"column":{"type":"integer"},"id":{"type":"string"}},"required":[]},
  SamplingInfo: {"type":"object","properties":{"plannedRows":{"type":"integer"},"rows":{"type":"integer"},"stoppedEarly":{"type":"boolean"},"lastConvergence":{"$ref":"#/$defs/Convergence"},"estimator":{"type":"string","enum":["exact","perRow","shared"]},"partners":{"type":"integer"},"referenceSize":{"type":"integer"},"pairPasses":{"type":"integer"}},"required":["plannedRows","rows","stoppedEarly","estimator","partners","referenceSize","pairPasses"]},
  Segmentation: {"type":"object","properties":{"method":{"type":"string","enum":["auto","quickshift","slic","grid"]},"kernelSize":{"type":"number"},"maxDist":{"type":"number"},"ratio":{"type":"number"},"segments":{"type":"integer"},"compactness":{"type":"number"},"rows":{"type":"integer"},"columns":{"type":"integer"},"seed":{"type":"integer"}},"required":[]},
  SegmentationInfo: {"type":"object","properties":{"method":{"type":"string"},"parameters":{"type":"object"},"count":{"type":"integer"},"width":{"type":"integer"},"height":{"type":"integer"},"map":{"type":"array","items":{"type":"integer"}}},"required":["method","parameters","count","width","height","map"]},
  ServerInfo: {"type":"object","properties":{"name":{"type":"string"},"version":{"type":"string"}},"required":["name","version"]},
  StabilityReport: {"type":"object","properties":{"runs":{"type":"integer"},"topK":{"type":"integer"},"seeds":{"type":"array","items":{"type":"integer"}},"image":{"type":"array","items":{"$ref":"#/$defs/LabelStability"}},"text":{"type":"array","items":{"$ref":"#/$defs/LabelStability"}}},"required":["runs","topK","seeds"]},
  StatusResult: {"type":"object","properties":{"state":{"type":"string","enum":["ready","busy"]},"running":{"type":"integer"},"versions":{"$ref":"#/$defs/Versions"},"device":{"$ref":"#/$defs/DeviceInfo"},"models":{"type":"array","items":{"$ref":"#/$defs/ModelInfo"}},"datasets":{"type":"array","items":{"$ref":"#/$defs/DatasetInfo"}},"cache":{"$ref":"#/$defs/CacheInfo"}},"required":["state","running","versions","device","models","datasets","cache"]},
  TextExplanation: {"type":"object","properties":{"features":{"type":"array","items":{"type":"string"}},"tokens":{"type":"array","items":{"$ref":"#/$defs/TextToken"}},"samples":{"type":"integer"},"explanations":{"type":"array","items":{"$ref":"#/$defs/LabelExplanation"}},"sampling":{"$ref":"#/$defs/SamplingInfo"},"bootstrap":{"$ref":"#/$defs/BootstrapReport"}},"required":["features","tokens","samples","explanations"]},
  TextToken: {"type":"object","properties":{"text":{"type":"string"},"feature":{"type":"integer"},"unknown":{"type":"boolean"}},"required":["text","feature"]},
  TokenizeParams: {"type":"object","properties":{"modelId":{"type":"string"},"text":{"type":"string"}},"required":["modelId","text"]},
  TokenizeResult: {"type":"object","properties":{"kind":{"type":"string","enum":["words","wordpiece","bpe"]},"maxLength":{"type":"integer"},"count":{"type":"integer"},"truncated":{"type":"boolean"},"ids":{"type":"array","items":{"type":"integer"}},"tokens":{"type":"array","items":{"type":"string"}},"attentionMask":{"type":"array","items":{"type":"integer"}},"words":{"type":"array","items":{"$ref":"#/$defs/TokenizedWordInfo"}},"unknownWords":{"type":"array","items":{"type":"string"}},"unknownToken":{"type":"string"}},"required":["kind","maxLength","count","truncated","ids","tokens","attentionMask","words","unknownWords"]},
  TokenizedWordInfo: {"type":"object","properties":{"text":{"type":"string"},"tokens":{"type":"array","items":{"type":"string"}},"ids":{"type":"array","items":{"type":"integer"}},"unknown":{"type":"boolean"}},"required":["text","tokens","ids","unknown"]},
  TopFeature: {"type":"object","properties":{"feature":{"type":"string"},"weight":{"type":"number"}},"required":["feature","weight"]},
  TopFeatures: {"type":"object","properties":{"m":{"type":"array","items":{"$ref":"#/$defs/TopFeature"}},"uc":{"type":"array","items":{"$ref":"#/$defs/TopFeature"}},"mi":{"type":"array","items":{"$ref":"#/$defs/TopFeature"}}},"required":["m","uc","mi"]},
  UnloadModelParams: {"type":"object","properties":{"modelId":{"type":"string"}},"required":["modelId"]},
  UnloadModelResult: {"type":"object","required":[]},
  Versions: {"type":"object","properties":{"daemon":{"type":"string"},"dotnet":{"type":"string"},"onnxRuntime":{"type":"string"}},"required":["daemon","dotnet","onnxRuntime"]},
};
