/** The frame every panel shares: title, status line (progress, Cancel, errors) and a content area. */
import type { HostMessage, PanelState, ProgressMessage } from '../../src/panels/messages';
import { h } from './dom';
import { button, progressBar } from './elements';

export type Phase = PanelState['phase'];

export class PanelShell {
  readonly root: HTMLElement;
  readonly content: HTMLElement;
  private readonly title = h('h1', { class: 'title', id: 'title' });
  private readonly subtitle = h('div', { class: 'subtitle', id: 'subtitle' });
  private readonly status = h('section', { class: 'status', id: 'status', attrs: { 'aria-live': 'polite' } });
  private readonly phaseText = h('span', { class: 'phase', id: 'phase' });
  private readonly bar = progressBar('progress');
  private readonly cancel = button('Cancel', 'cancel', true);
  private readonly retry = button('Retry', 'retry', true);
  private readonly message = h('div', { class: 'status-message', id: 'status-message' });
  private readonly note = h('div', { class: 'note', id: 'note' });

  /** `onRetry`: the panel can run its request again after a cancel or an error. */
  constructor(
    onCancel: () => void,
    private readonly onRetry?: () => void,
  ) {
    const root = document.getElementById('app');
    if (!root) throw new Error('no #app element');
    this.root = root;
    this.cancel.addEventListener('click', () => {
      this.cancel.disabled = true;
      this.phaseText.textContent = 'Cancelling…';
      onCancel();
    });
    this.retry.addEventListener('click', () => this.onRetry?.());
    this.status.append(h('div', { class: 'status-line' }, this.phaseText, h('span', { class: 'status-actions' }, this.retry, this.cancel)), this.bar, this.message);
    this.content = h('div', { class: 'content', id: 'content' });
    root.replaceChildren(h('header', { class: 'panel-header' }, this.title, this.subtitle), this.status, this.note, this.content);
    this.setPhase('empty');
  }

  setTitle(title: string, subtitle?: string): void {
    this.title.textContent = title;
    this.subtitle.textContent = subtitle ?? '';
    document.title = title;
  }

  setPhase(phase: Phase, text?: string): void {
    this.root.dataset['state'] = phase;
    const running = phase === 'running';
    this.status.hidden = phase === 'done' || phase === 'empty';
    this.bar.hidden = !running;
    this.cancel.hidden = !running;
    this.cancel.disabled = false;
    this.retry.hidden = !this.onRetry || (phase !== 'cancelled' && phase !== 'error');
    if (phase !== 'done' && phase !== 'empty') this.note.textContent = '';
    this.status.classList.toggle('error', phase === 'error');
    if (running) {
      this.phaseText.textContent = text ?? 'Starting…';
      this.bar.indeterminate = true;
      this.message.textContent = '';
    } else if (phase === 'cancelled') {
      this.phaseText.textContent = 'Cancelled.';
      this.message.textContent = text ?? 'The explanation was cancelled; nothing was computed.';
    } else if (phase === 'error') {
      this.phaseText.textContent = 'Failed.';
      this.message.textContent = text ?? '';
    }
  }

  progress(p: ProgressMessage): void {
    this.setPhase('running', `${p.phase} ${Math.round(p.fraction * 100)}%`);
    this.bar.indeterminate = false;
    this.bar.value = p.fraction;
    this.bar.dataset['fraction'] = String(p.fraction);
    this.message.textContent = p.message ?? '';
  }

  showNote(text: string): void {
    this.note.textContent = text;
  }
}

/**
 * The messages every panel treats alike: cancelled and error end the run (the new state is returned, to keep),
 * exported only shows a note (null: nothing to keep). Any other message is the panel's own (undefined).
 */
export function applyEnding(shell: PanelShell, state: PanelState, message: HostMessage, cancelledText?: string): PanelState | null | undefined {
  switch (message.type) {
    case 'cancelled':
      shell.setPhase('cancelled', cancelledText);
      return { ...state, phase: 'cancelled' };
    case 'error':
      shell.setPhase('error', message.message);
      return { ...state, phase: 'error', error: message.message };
    case 'exported':
      shell.showNote(`Exported ${message.files} files to ${message.folder}.`);
      return null;
    case 'note':
      shell.showNote(message.text);
      return null;
    default:
      return undefined;
  }
}
