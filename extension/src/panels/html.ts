/**
 * Builds a webview's HTML (pure): a strict Content-Security-Policy with a fresh nonce per render, the
 * panel's stylesheet(s) and one script bundle, an empty root the bundle fills. Nothing from a dataset
 * ever goes into this HTML: the webview receives data by message and renders it with textContent.
 */
import { randomBytes } from 'node:crypto';
import type { PanelKind } from './messages';

export interface WebviewHtmlOptions {
  kind: PanelKind;
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  /** asWebviewUri of the bundle */
  scriptUri: string;
  /** asWebviewUri of the stylesheets */
  styleUris: string[];
  title: string;
}

/** 128 bits from the platform's CSPRNG, base64 (valid as a CSP nonce). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const NONCE = /^[A-Za-z0-9+/]{16,}={0,2}$/;
// webview.cspSource is one or more sources: hosts ("https://*.vscode-cdn.net") or keywords ("'self'",
// as code-server gives). No directive separators, no unsafe-* keywords.
const SOURCE = /^(?:'[a-z-]+'|[^\s;,'"<>]+)(?:\s+(?:'[a-z-]+'|[^\s;,'"<>]+))*$/;

export function buildWebviewHtml(o: WebviewHtmlOptions): string {
  if (!NONCE.test(o.nonce)) throw new Error('invalid nonce');
  if (!SOURCE.test(o.cspSource) || /'unsafe-|'nonce-|'sha\d+-/.test(o.cspSource)) throw new Error(`invalid CSP source: ${o.cspSource}`);
  const csp = contentSecurityPolicy(o.cspSource, o.nonce);
  const styles = o.styleUris.map((uri) => `<link rel="stylesheet" href="${escapeHtml(uri)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(o.title)}</title>
    ${styles}
  </head>
  <body>
    <main id="app" data-panel="${o.kind}" data-state="empty"></main>
    <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
  </body>
</html>
`;
}
