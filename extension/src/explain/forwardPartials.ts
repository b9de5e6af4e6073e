/**
 * Splits the partial results off an explanation's `$/progress` (pure): each goes to the panel as its own message,
 * with the names of the labels it explains, and the progress goes on without it (the notification's bar, the
 * panel's status line).
 */
import type { ProgressValue } from '../daemon/protocol';
import type { PartialMessage } from '../panels/messages';

export function forwardPartials(post: (message: PartialMessage) => void, labels: readonly string[], onProgress: (value: ProgressValue) => void): (value: ProgressValue) => void {
  return (value) => {
    const { partial, ...progress } = value;
    if (partial) {
      const labelNames: Record<number, string> = {};
      for (const e of partial.explanations) labelNames[e.label] = labels[e.label] ?? String(e.label);
      labelNames[partial.predicted] = labels[partial.predicted] ?? String(partial.predicted);
      post({ type: 'partial', partial, labelNames });
    }
    onProgress(progress);
  };
}
