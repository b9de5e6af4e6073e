/** Start-up shared by the panels: restore the saved state, listen for validated host messages, say ready. */
import { DEFAULT_VIEW, isHostMessage, isPanelState, type HostMessage, type PanelKind, type PanelState } from '../../src/panels/messages';
import { vscodeApi } from './vscodeApi';

export function restoreState(kind: PanelKind): PanelState {
  const saved = vscodeApi().getState();
  if (isPanelState(saved) && saved.kind === kind) return saved;
  return { kind, title: 'DIME', view: { ...DEFAULT_VIEW }, phase: 'empty' };
}

export function listen(handler: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (!isHostMessage(data)) {
      const type = typeof data === 'object' && data !== null ? String((data as { type?: unknown }).type) : typeof data;
      vscodeApi().post({ type: 'log', level: 'warn', message: `ignored an invalid message (type ${type.slice(0, 60)})` });
      return;
    }
    try {
      handler(data);
    } catch (error) {
      vscodeApi().post({ type: 'log', level: 'error', message: `rendering failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2000) });
    }
  });
  vscodeApi().post({ type: 'ready' });
}
