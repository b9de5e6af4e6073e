/**
 * What a panel sends its webview (pure): messages wait until the webview says "ready"; a webview that
 * reloads (hidden panels do not keep their context) gets the last state again: the start message, then
 * the final result (or error/cancel), else the partial results so far (one message per modality) and the last
 * progress.
 */
import type { HostMessage, PartialMessage } from './messages';
import { withDescription } from './partialResults';

export class MessageReplay {
  private ready = false;
  private queue: HostMessage[] = [];
  private start: HostMessage | undefined;
  private progress: HostMessage | undefined;
  private final: HostMessage | undefined;
  /** Per modality: its first partial (which describes the features) and its latest. */
  private partials = new Map<string, { first: PartialMessage; latest: PartialMessage }>();

  /** Records a message; returns true when it can be delivered now. */
  post(message: HostMessage): boolean {
    switch (message.type) {
      case 'start':
        this.start = message;
        this.progress = undefined;
        this.final = undefined;
        this.partials.clear();
        break;
      case 'progress':
        this.progress = message;
        break;
      case 'partial': {
        const kept = this.partials.get(message.partial.modality);
        this.partials.set(message.partial.modality, { first: kept?.first ?? message, latest: message });
        break;
      }
      case 'exported':
      case 'reproduced':
        break;
      default:
        this.final = message;
        this.progress = undefined;
        this.partials.clear();
    }
    if (this.ready) return true;
    this.queue.push(message);
    return false;
  }

  /** The webview (re)loaded: what to send it now. */
  onReady(): HostMessage[] {
    const first = !this.ready;
    this.ready = true;
    const partials = [...this.partials.values()].map(({ first: described, latest }): HostMessage => ({ ...latest, partial: withDescription(described.partial, latest.partial) }));
    const out = first && this.queue.length ? this.queue : [this.start, ...(this.final ? [this.final] : [...partials, this.progress])].filter((m): m is HostMessage => m !== undefined);
    this.queue = [];
    return out;
  }
}
