/**
 * Trust cues (pure decisions, small DOM): how far to believe a heatmap. The thresholds are documented in
 * README.md ("Reading the panel"):
 * - R² of the surrogate (LIME's linear fit of the cell): good >= 0.5, fair >= 0.2, poor below;
 * - stability (mean Spearman rank agreement of the weights over runs with other seeds): good >= 0.8,
 *   fair >= 0.5, poor below;
 * - a reference set of fewer than 30 samples makes UC and MI noisy (they average over it).
 */
import type { DeviceInfo, ExplanationResult, PartStability } from '../../src/daemon/protocol';
import { h } from './dom';

export type Grade = 'good' | 'fair' | 'poor';
export const R2_THRESHOLDS = { good: 0.5, fair: 0.2 } as const;
export const STABILITY_THRESHOLDS = { good: 0.8, fair: 0.5 } as const;
export const MIN_REFERENCE = 30;

export function grade(value: number, t: { good: number; fair: number }): Grade {
  return value >= t.good ? 'good' : value >= t.fair ? 'fair' : 'poor';
}

export function trustBadges(r2: number | undefined, stability: PartStability | undefined, runs: number | undefined): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (r2 !== undefined) {
    out.push(
      h('span', {
        class: `badge r2 ${grade(r2, R2_THRESHOLDS)}`,
        text: `R² ${r2.toFixed(2)}`,
        title: `fit of the surrogate (LIME) model: ${grade(r2, R2_THRESHOLDS)} (good ≥ ${R2_THRESHOLDS.good}, poor < ${R2_THRESHOLDS.fair})`,
      }),
    );
  }
  if (stability !== undefined) {
    const g = grade(stability.meanSpearman, STABILITY_THRESHOLDS);
    out.push(
      h('span', {
        class: `badge stability ${g}`,
        text: `stability ${stability.meanSpearman.toFixed(2)}`,
        data: { grade: g },
        title: `${g}: rank agreement (Spearman ρ) of the weights over ${runs ?? 'several'} runs with other seeds: mean ${stability.meanSpearman.toFixed(2)}, min ${stability.minSpearman.toFixed(2)}; top-k overlap ${stability.meanTopKOverlap.toFixed(2)} (good ≥ ${STABILITY_THRESHOLDS.good}, poor < ${STABILITY_THRESHOLDS.fair})`,
      }),
    );
  }
  return out;
}

export interface Warning {
  kind: 'reference' | 'fit' | 'device' | 'stability';
  text: string;
}

/** One short sentence per reason to doubt this result, with its fix. */
export function warningsFor(result: ExplanationResult, label: number): Warning[] {
  const out: Warning[] = [];
  const n = Number(result.settings['referenceSize']);
  if (Number.isFinite(n) && n < MIN_REFERENCE) {
    out.push({ kind: 'reference', text: `UC and MI average over only N = ${n} reference samples (fewer than ${MIN_REFERENCE}): they are noisy. Explain with a larger dataset or raise dime.explain.referenceSize.` });
  }
  const poor: string[] = [];
  for (const [modality, list] of [
    ['image', result.image?.explanations],
    ['words', result.text?.explanations],
  ] as const) {
    const e = list?.find((x) => x.label === label);
    if (!e) continue;
    for (const part of ['m', 'uc', 'mi'] as const) if (e[part].r2 < R2_THRESHOLDS.fair) poor.push(`${part.toUpperCase()} ${modality} (R² ${e[part].r2.toFixed(2)})`);
  }
  if (poor.length > 0) out.push({ kind: 'fit', text: `The linear surrogate fits poorly for ${poor.join(', ')}: read those cells with care, or raise the number of samples S.` });
  const unstable: string[] = [];
  const st = result.quality?.stability;
  for (const [modality, list] of [
    ['image', st?.image],
    ['words', st?.text],
  ] as const) {
    const s = list?.find((x) => x.label === label);
    if (!s) continue;
    for (const part of ['m', 'uc', 'mi'] as const) if (s[part].meanSpearman < STABILITY_THRESHOLDS.fair) unstable.push(`${part.toUpperCase()} ${modality} (${s[part].meanSpearman.toFixed(2)})`);
  }
  if (unstable.length > 0) out.push({ kind: 'stability', text: `Other seeds rank the features differently for ${unstable.join(', ')}: trust the strongest features only, or raise S.` });
  const device = deviceWarning(result.device);
  if (device) out.push({ kind: 'device', text: device });
  return out;
}

/** A CUDA fallback as one sentence with its fix (the loader's full message stays in the details). */
export function deviceWarning(device: DeviceInfo): string | undefined {
  if (!device.fallbackReason) return undefined;
  const missing = /([\w.+-]+\.(?:so(?:\.\d+)*|dll))\s*:?\s*(?:cannot open|not found|No such file)/i.exec(device.fallbackReason)?.[1];
  return `Ran on the CPU: CUDA could not be loaded${missing ? ` (${missing} is missing)` : ''}. Install the CUDA and cuDNN libraries ONNX Runtime needs, then run "DIME: Restart Daemon".`;
}

export function renderWarnings(warnings: readonly Warning[]): HTMLElement {
  const list = h('ul', { class: 'warnings', id: 'warnings', attrs: { 'aria-label': 'Warnings about this result' } });
  for (const w of warnings) list.append(h('li', { class: `warning ${w.kind}`, data: { kind: w.kind }, text: w.text }));
  list.hidden = warnings.length === 0;
  return list;
}
