/** The webview side of the VS Code API, typed with the panel messages and state. */
import type { PanelState, WebviewMessage } from '../../src/panels/messages';

interface RawApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): RawApi;

export interface WebviewApi {
  post(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PanelState): void;
}

let cached: WebviewApi | undefined;

/** acquireVsCodeApi may be called once per page; this caches it. */
export function vscodeApi(): WebviewApi {
  if (!cached) {
    const raw = acquireVsCodeApi();
    cached = {
      post: (message) => raw.postMessage(message),
      getState: () => raw.getState(),
      setState: (state) => raw.setState(state),
    };
  }
  return cached;
}
