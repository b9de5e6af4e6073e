/** The settings drawer's values applied to a request's options, and read back from a result (pure). */
import type { ExplainOptions, ExplanationResult, OptionLimits } from '../daemon/protocol';
import { HIDE_MODES, SEGMENTATIONS, type RunSettings } from '../panels/messages';

export function applyRunSettings(options: ExplainOptions, s: RunSettings): ExplainOptions {
  return {
    ...options,
    imageSamples: s.imageSamples,
    textSamples: s.textSamples,
    referenceSize: s.referenceSize,
    seed: s.seed,
    segmentation: { method: s.segmentation },
    hide: { mode: s.hide },
    labels: s.labels,
  };
}

/** The drawer's starting values: what produced the result shown (a value it does not record: the daemon's default). */
export function runSettingsOf(result: ExplanationResult, limits?: OptionLimits): RunSettings {
  const st = result.settings;
  const num = (key: string): number => (typeof st[key] === 'number' ? st[key] : (limits?.[key]?.default ?? 0));
  const segmentation = SEGMENTATIONS.find((m) => m === st['segmentation']) ?? (result.image?.segmentation.method as RunSettings['segmentation'] | undefined) ?? 'auto';
  return {
    imageSamples: num('imageSamples'),
    textSamples: num('textSamples'),
    referenceSize: num('referenceSize'),
    seed: num('seed'),
    segmentation: SEGMENTATIONS.includes(segmentation) ? segmentation : 'auto',
    hide: HIDE_MODES.find((m) => m === st['hide']) ?? 'median',
    labels: st['labels'] === 'top' || st['labels'] === 'all' ? st['labels'] : explainsAll(result) ? 'all' : 'top',
  };
}

/** Whether the result explains every label (the daemon does not record the labels option itself). */
function explainsAll(result: ExplanationResult): boolean {
  const explained = result.image?.explanations ?? result.text?.explanations ?? [];
  return explained.length >= result.labels.length;
}
