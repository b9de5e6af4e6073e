/**
 * The DIME daemon protocol (docs/protocol.md), client side: method names and error codes, defined here
 * ONCE for the extension; a contract test compares them with src/Dime.Daemon/Protocol/ProtocolNames.cs,
 * so keep each name a plain string literal on its own line. The shapes of params and results are not
 * written here: they are generated from the daemon's records into wire.generated.ts (docs/protocol.schema.json)
 * and re-exported below, with the names the extension gives some of them.
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
  findSample: 'dime/findSample',
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

// ------------------------------------------------------------------ shapes (generated from the daemon)

export * from './wire.generated';
import type {
  BootstrapReport,
  DatasetInfo,
  ErrorData as GeneratedErrorData,
  ImageExplanation,
  IndexLine,
  InitializeParams,
  InitializeResult,
  NotificationMap,
  Overlay,
  RequestMap,
  SamplingInfo,
  StabilityReport,
  TextExplanation,
  TokenizedWordInfo,
  TopFeatures,
  Versions,
} from './wire.generated';

/** `data` of an error reply; JSON-RPC's own errors (and a daemon that failed early) may carry none of it. */
export type ErrorData = Partial<GeneratedErrorData>;
export type DeviceRequest = NonNullable<InitializeParams['device']>;
export type DatasetFormat = DatasetInfo['format'];
export type Sampling = SamplingInfo;
export type Bootstrap = BootstrapReport;
export type Stability = StabilityReport;
export type ImageExplanations = ImageExplanation;
export type TextExplanations = TextExplanation;
export type TokenizedWord = TokenizedWordInfo;
export type VersionsInfo = Versions;
/** One line of the index.jsonl that `Dime.Daemon explain-dataset` writes (docs/slurm.md). */
export type DatasetIndexLine = IndexLine;
export type IndexTopFeatures = TopFeatures;
export type ProgressValue = NotificationMap['$/progress']['value'];
/** Each whole-number option's default and bounds as the daemon announces them in initialize (capabilities.options). */
export type OptionLimits = InitializeResult['capabilities']['options'];

export type PartName = Overlay['part'];
export const PART_NAMES: readonly PartName[] = ['m', 'uc', 'mi'];

/** Every request of Methods has a params and result shape, and every shape a method name (checked when compiling). */
type RequestName = Exclude<MethodName, typeof Methods.exit>;
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const EVERY_REQUEST_HAS_A_SHAPE: SameKeys<RequestName, keyof RequestMap> = true;

export type RequestMethod = keyof RequestMap;
export type ParamsOf<M extends RequestMethod> = RequestMap[M][0];
export type ResultOf<M extends RequestMethod> = RequestMap[M][1];
