/**
 * The extension's settings, parsed and validated from raw values (pure: the vscode side passes a
 * getter). Invalid values fall back to defaults and are reported as warnings, never thrown.
 */
import type { DatasetFields, DeviceRequest, ExplainOptions, OptionLimits } from '../daemon/protocol';

export const SECTION = 'dime';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warning' | 'error';
export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface RequiredFields {
  image: string;
  question: string;
  answer: string;
  id: string;
}

export interface DimeSettings {
  daemonPath: string;
  logLevel: LogLevel;
  trace: TraceLevel;
  device: DeviceRequest;
  fields: RequiredFields;
  codeLens: { enabled: boolean; maxSamples: number };
  /** Whole numbers are undefined when unset or invalid: the daemon's default (announced in initialize) applies. */
  explain: {
    imageSamples: number | undefined;
    textSamples: number | undefined;
    referenceSize: number | undefined;
    seed: number | undefined;
    segmentation: 'auto' | 'quickshift' | 'slic' | 'grid';
    hide: 'median' | 'mean' | 'constant' | 'blur';
    textMask: 'delete' | 'mask';
    labels: 'top' | 'all';
    stabilityRuns: number | undefined;
    /** 0: exact. */
    partners: number | undefined;
    partnerEstimator: 'perRow' | 'shared' | null;
  };
  datasetCount: number;
}

export const DEFAULT_FIELDS: RequiredFields = { image: 'image', question: 'question', answer: 'answer', id: 'id' };

export const DEFAULT_SETTINGS: DimeSettings = {
  daemonPath: '',
  logLevel: 'info',
  trace: 'off',
  device: 'auto',
  fields: DEFAULT_FIELDS,
  codeLens: { enabled: true, maxSamples: 2000 },
  explain: {
    imageSamples: undefined,
    textSamples: undefined,
    referenceSize: undefined,
    seed: undefined,
    segmentation: 'auto',
    hide: 'median',
    textMask: 'delete',
    labels: 'top',
    stabilityRuns: undefined,
    partners: undefined,
    partnerEstimator: null,
  },
  datasetCount: 100,
};

/** Reads a setting by its key below "dime." (e.g. "daemon.path"); undefined when unset. */
export type SettingGetter = (key: string) => unknown;

export interface ParsedSettings {
  settings: DimeSettings;
  warnings: string[];
}

/**
 * @param limits the daemon's option bounds (initialize's capabilities.options); before the daemon has answered
 * they are unknown, and an option is only checked to be a whole number (the daemon refuses one out of bounds).
 */
export function parseSettings(get: SettingGetter, limits?: OptionLimits): ParsedSettings {
  const warnings: string[] = [];
  const d = DEFAULT_SETTINGS;

  const str = (key: string, fallback: string): string => {
    const value = get(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string') {
      warnings.push(`${SECTION}.${key} must be a string; using "${fallback}"`);
      return fallback;
    }
    return value.trim();
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const value = get(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    warnings.push(`${SECTION}.${key} must be one of ${allowed.join(', ')}; using "${fallback}"`);
    return fallback;
  };
  const int = (key: string, min: number, max: number, fallback: number): number => {
    const value = get(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      warnings.push(`${SECTION}.${key} must be an integer in [${min}, ${max}]; using ${fallback}`);
      return fallback;
    }
    return value;
  };
  /** A whole-number option of dime/explain, checked against the daemon's bounds; undefined (the daemon's default) when unset or invalid. */
  const option = (key: string, name: string): number | undefined => {
    const value = get(key);
    if (value === undefined || value === null) return undefined;
    const limit = limits?.[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (limit?.min ?? 0) || value > (limit?.max ?? Number.MAX_SAFE_INTEGER)) {
      const bounds = limit === undefined ? 'a whole number, not negative' : `an integer in [${limit.min}, ${limit.max}]`;
      const fallback = limit === undefined ? "the daemon's default" : `the daemon's default (${limit.default})`;
      warnings.push(`${SECTION}.${key} must be ${bounds}; using ${fallback}`);
      return undefined;
    }
    return value;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const value = get(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      warnings.push(`${SECTION}.${key} must be true or false; using ${String(fallback)}`);
      return fallback;
    }
    return value;
  };

  return {
    settings: {
      daemonPath: str('daemon.path', d.daemonPath),
      logLevel: oneOf('daemon.logLevel', ['trace', 'debug', 'info', 'warning', 'error'], d.logLevel),
      trace: oneOf('trace.server', ['off', 'messages', 'verbose'], d.trace),
      device: oneOf('device', ['auto', 'cuda', 'cpu'], d.device),
      fields: parseFields(get('dataset.fields'), warnings),
      codeLens: {
        enabled: bool('codeLens.enabled', d.codeLens.enabled),
        maxSamples: int('codeLens.maxSamples', 0, 1_000_000, d.codeLens.maxSamples),
      },
      explain: {
        imageSamples: option('explain.imageSamples', 'imageSamples'),
        textSamples: option('explain.textSamples', 'textSamples'),
        referenceSize: option('explain.referenceSize', 'referenceSize'),
        seed: option('explain.seed', 'seed'),
        segmentation: oneOf('explain.segmentation', ['auto', 'quickshift', 'slic', 'grid'], d.explain.segmentation),
        hide: oneOf('explain.hide', ['median', 'mean', 'constant', 'blur'], d.explain.hide),
        textMask: oneOf('explain.textMask', ['delete', 'mask'], d.explain.textMask),
        labels: oneOf('explain.labels', ['top', 'all'], d.explain.labels),
        stabilityRuns: option('explain.stabilityRuns', 'quality.stabilityRuns'),
        partners: option('explain.partners', 'partners'),
        partnerEstimator: get('explain.partnerEstimator') == null ? null : oneOf<'perRow' | 'shared'>('explain.partnerEstimator', ['perRow', 'shared'], 'perRow'),
      },
      datasetCount: int('dataset.explainCount', 1, 100_000, d.datasetCount),
    },
    warnings,
  };
}

const FIELD_NAME = /^[^\s]{1,128}$/;

function parseFields(value: unknown, warnings: string[]): RequiredFields {
  const fields: RequiredFields = { ...DEFAULT_FIELDS };
  if (value === undefined || value === null) return fields;
  if (typeof value !== 'object' || Array.isArray(value)) {
    warnings.push(`${SECTION}.dataset.fields must be an object like {"image": "image", "question": "question"}`);
    return fields;
  }
  for (const key of Object.keys(DEFAULT_FIELDS) as (keyof RequiredFields)[]) {
    const field: unknown = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    if (typeof field === 'string' && FIELD_NAME.test(field)) {
      fields[key] = field;
    } else {
      warnings.push(`${SECTION}.dataset.fields.${key} must be a field name without spaces; using "${DEFAULT_FIELDS[key]}"`);
    }
  }
  return fields;
}

/** The explain options sent to the daemon for these settings. */
export function explainOptions(settings: DimeSettings): ExplainOptions {
  const e = settings.explain;
  const options: ExplainOptions = {
    labels: e.labels,
    segmentation: { method: e.segmentation },
    hide: { mode: e.hide },
    textMask: e.textMask,
  };
  if (e.imageSamples !== undefined) options.imageSamples = e.imageSamples;
  if (e.textSamples !== undefined) options.textSamples = e.textSamples;
  if (e.referenceSize !== undefined) options.referenceSize = e.referenceSize;
  if (e.seed !== undefined) options.seed = e.seed;
  if (e.stabilityRuns !== undefined && e.stabilityRuns > 0) options.quality = { stabilityRuns: e.stabilityRuns };
  if (e.partners !== undefined) options.partners = e.partners;
  if (e.partnerEstimator !== null) options.partnerEstimator = e.partnerEstimator;
  return options;
}

/** The dataset fields to send to the daemon (only those that differ from the defaults). */
export function datasetFields(fields: RequiredFields): DatasetFields | undefined {
  const changed: DatasetFields = {};
  let any = false;
  for (const key of Object.keys(DEFAULT_FIELDS) as (keyof RequiredFields)[]) {
    if (fields[key] !== DEFAULT_FIELDS[key]) {
      changed[key] = fields[key];
      any = true;
    }
  }
  return any ? changed : undefined;
}
