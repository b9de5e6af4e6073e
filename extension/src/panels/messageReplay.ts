/**
 * What a panel sends its webview (pure): messages wait until the webview says "ready"; a webview that
 * reloads (hidden panels do not keep their context) gets the last state again: the start message, then
 * the final result (or error/cancel), else the last progress.
 */
import type { HostMessage } from './messages';

export class MessageReplay {
  private ready = false;
  private queue: HostMessage[] = [];
  private start: HostMessage | undefined;
  private progress: HostMessage | undefined;
  private final: HostMessage | undefined;

  /** Records a message; returns true when it can be delivered now. */
  post(message: HostMessage): boolean {
    switch (message.type) {
      case 'start':
        this.start = message;
        this.progress = undefined;
        this.final = undefined;
        break;
      case 'progress':
        this.progress = message;
        break;
      case 'exported':
      case 'reproduced':
        break;
      default:
        this.final = message;
        this.progress = undefined;
    }
    if (this.ready) return true;
    this.queue.push(message);
    return false;
  }

  /** The webview (re)loaded: what to send it now. */
  onReady(): HostMessage[] {
    const first = !this.ready;
    this.ready = true;
    const out = first && this.queue.length ? this.queue : [this.start, this.final ?? this.progress].filter((m): m is HostMessage => m !== undefined);
    this.queue = [];
    return out;
  }
}
