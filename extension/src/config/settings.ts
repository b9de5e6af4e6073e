/**
 * The extension's settings, parsed and validated from raw values (pure: the vscode side passes a
 * getter). Invalid values fall back to defaults and are reported as warnings, never thrown.
 */
import type { DatasetFields, DeviceRequest, ExplainOptions } from '../daemon/protocol';

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
  explain: {
    imageSamples: number;
    textSamples: number;
    referenceSize: number;
    seed: number;
    segmentation: 'auto' | 'quickshift' | 'slic' | 'grid';
    hide: 'median' | 'mean' | 'constant' | 'blur';
    textMask: 'delete' | 'mask';
    labels: 'top' | 'all';
    stabilityRuns: number;
    /** null: the daemon's default; 0: exact. */
    partners: number | null;
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
    imageSamples: 1000,
    textSamples: 1000,
    referenceSize: 100,
    seed: 0,
    segmentation: 'auto',
    hide: 'median',
    textMask: 'delete',
    labels: 'top',
    stabilityRuns: 0,
    partners: null,
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

export function parseSettings(get: SettingGetter): ParsedSettings {
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
  /** null when unset (the daemon decides) or invalid (with a warning). */
  const optionalInt = (key: string, min: number, max: number): number | null => {
    const value = get(key);
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      warnings.push(`${SECTION}.${key} must be an integer in [${min}, ${max}] or null; using the daemon's default`);
      return null;
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
        imageSamples: int('explain.imageSamples', 10, 100_000, d.explain.imageSamples),
        textSamples: int('explain.textSamples', 10, 100_000, d.explain.textSamples),
        referenceSize: int('explain.referenceSize', 1, 10_000, d.explain.referenceSize),
        seed: int('explain.seed', 0, 2_147_483_647, d.explain.seed),
        segmentation: oneOf('explain.segmentation', ['auto', 'quickshift', 'slic', 'grid'], d.explain.segmentation),
        hide: oneOf('explain.hide', ['median', 'mean', 'constant', 'blur'], d.explain.hide),
        textMask: oneOf('explain.textMask', ['delete', 'mask'], d.explain.textMask),
        labels: oneOf('explain.labels', ['top', 'all'], d.explain.labels),
        stabilityRuns: int('explain.stabilityRuns', 0, 20, d.explain.stabilityRuns),
        partners: optionalInt('explain.partners', 0, 1000),
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
    imageSamples: e.imageSamples,
    textSamples: e.textSamples,
    referenceSize: e.referenceSize,
    seed: e.seed,
    segmentation: { method: e.segmentation },
    hide: { mode: e.hide },
    textMask: e.textMask,
  };
  if (e.stabilityRuns > 0) options.quality = { stabilityRuns: e.stabilityRuns };
  if (e.partners !== null) options.partners = e.partners;
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
