/**
 * What a comparison panel shows, as a key (pure): its two results' ids, which name the models, the sample and every
 * option. Reopening a comparison (from Recent Explanations) brings forward the panel with the same key.
 */
import type { CompareResult } from '../daemon/protocol';

export function compareKey(result: CompareResult): string {
  return `compare:${result.results.map((r) => r.resultId).join('+')}`;
}
