/**
 * Loads the REAL webview bundles in headless Debian Chromium (playwright-core): a small HTTP server on
 * 127.0.0.1 serves the page built by the extension's own HTML/CSP builder, the bundles from media/dist
 * and the fixture image; a nonce'd harness script fakes acquireVsCodeApi (state kept in sessionStorage,
 * so a reload restores like VS Code does) and records posted messages, dialogs and CSP violations.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildWebviewHtml, createNonce } from '../../src/panels/html';
import type { PanelKind } from '../../src/panels/messages';

export const ROOT = resolve(__dirname, '../../..'); // out/test/webview -> extension/
export const RESULTS = join(ROOT, 'test-results', 'webview');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export type Theme = 'dark' | 'light' | 'high-contrast';

const THEME_CSS = `
body.vscode-dark { --vscode-foreground: #cccccc; --vscode-editor-background: #1e1e1e; --vscode-descriptionForeground: #9d9d9d;
  --vscode-panel-border: #3c3c3c; --vscode-badge-background: #4d4d4d; --vscode-badge-foreground: #ffffff; --vscode-progressBar-background: #0e70c0;
  --vscode-errorForeground: #f48771; --vscode-textLink-foreground: #3794ff; --vscode-focusBorder: #007fd4; --vscode-input-background: #3c3c3c;
  --vscode-button-background: #0e639c; --vscode-button-foreground: #ffffff; --vscode-dropdown-background: #3c3c3c; --vscode-dropdown-foreground: #f0f0f0; }
body.vscode-light { --vscode-foreground: #3b3b3b; --vscode-editor-background: #ffffff; --vscode-descriptionForeground: #717171;
  --vscode-panel-border: #e5e5e5; --vscode-badge-background: #c4c4c4; --vscode-badge-foreground: #333333; --vscode-progressBar-background: #0e70c0;
  --vscode-errorForeground: #a1260d; --vscode-textLink-foreground: #006ab1; --vscode-focusBorder: #0090f1; --vscode-input-background: #ffffff;
  --vscode-button-background: #007acc; --vscode-button-foreground: #ffffff; --vscode-dropdown-background: #ffffff; --vscode-dropdown-foreground: #3b3b3b; }
body.vscode-high-contrast { --vscode-foreground: #ffffff; --vscode-editor-background: #000000; --vscode-descriptionForeground: #ffffff;
  --vscode-panel-border: #6fc3df; --vscode-contrastBorder: #6fc3df; --vscode-contrastActiveBorder: #f38518; --vscode-badge-background: #000000;
  --vscode-badge-foreground: #ffffff; --vscode-progressBar-background: #6fc3df; --vscode-errorForeground: #f48771; --vscode-textLink-foreground: #21a6ff;
  --vscode-focusBorder: #f38518; --vscode-input-background: #000000; --vscode-button-background: #000000; --vscode-button-foreground: #ffffff; }
body { --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; }
`;

// Runs in the page before the bundle (as VS Code's webview host would provide it).
const HARNESS_JS = `
window.__posted = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => { const s = sessionStorage.getItem('vscode-state'); return s === null ? undefined : JSON.parse(s); },
  setState: (s) => sessionStorage.setItem('vscode-state', JSON.stringify(s)),
});
`;

export class Harness {
  private server!: Server;
  private context!: BrowserContext;
  private profile!: string;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, type: string, body: string | Buffer) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      try {
        const panel = /^\/panel\/(explanation|dataset|compare)$/.exec(url.pathname);
        if (panel) return send(200, 'text/html; charset=utf-8', this.page(panel[1] as PanelKind, (url.searchParams.get('theme') ?? 'dark') as Theme));
        const file = /^\/(media\/dist|fixtures)\/([\w.-]+)$/.exec(url.pathname);
        if (file) {
          const path = file[1] === 'fixtures' ? join(FIXTURES, file[2]!) : join(ROOT, 'media', 'dist', file[2]!);
          const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.map': 'application/json' };
          return send(200, types[extname(path)] ?? 'application/octet-stream', readFileSync(path));
        }
        send(404, 'text/plain', 'not found');
      } catch (error) {
        send(500, 'text/plain', String(error));
      }
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.profile = mkdtempSync(join(tmpdir(), 'dime-webview-'));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: process.env['DIME_CHROMIUM'] ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
    });
    mkdirSync(RESULTS, { recursive: true });
  }

  /** The extension's own HTML (same CSP, fresh nonce) with the harness script and theme variables added. */
  private page(kind: PanelKind, theme: Theme): string {
    const nonce = createNonce();
    const html = buildWebviewHtml({
      kind,
      cspSource: this.origin,
      nonce,
      scriptUri: `${this.origin}/media/dist/${kind}.js`,
      styleUris: [`${this.origin}/media/dist/${kind}.css`],
      title: `DIME ${kind}`,
    });
    const setup = `<style nonce="${nonce}">${THEME_CSS}</style>`;
    const script = `<script nonce="${nonce}">${HARNESS_JS}document.body.classList.add('vscode-${theme}');</script>`;
    return html.replace('</head>', `${setup}\n  </head>`).replace('<script nonce=', `${script}\n    <script nonce=`);
  }

  async open(kind: PanelKind, theme: Theme = 'dark'): Promise<Page> {
    const page = await this.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    (page as Page & { dialogs: string[] }).dialogs = dialogs;
    await page.goto(`${this.origin}/panel/${kind}?theme=${theme}`);
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    return page;
  }

  async stop(): Promise<void> {
    await this.context?.close();
    await new Promise((r) => this.server?.close(r));
    if (this.profile) rmSync(this.profile, { recursive: true, force: true });
  }
}

export function dialogs(page: Page): string[] {
  return (page as Page & { dialogs: string[] }).dialogs;
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

export async function post(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

export async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

export async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

export interface CanvasStats {
  width: number;
  height: number;
  /** pixels with alpha > 0 */
  opaque: number;
  distinctColours: number;
  maxAlpha: number;
  /** segment ids with at least one coloured pixel (given the segmentation map) */
  segments: number[];
  /** a checksum of the pixels, to tell two renderings apart */
  hash: number;
  /** mean rgb of the coloured pixels of each coloured segment */
  segmentColours: Record<number, [number, number, number]>;
}

/** Reads a canvas's pixels in the page and summarises them against a segmentation map. */
export async function canvasStats(page: Page, selector: string, map: number[]): Promise<CanvasStats> {
  return page.evaluate(
    ({ selector, map }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(selector);
      if (!canvas) throw new Error(`no canvas ${selector}`);
      const ctx = canvas.getContext('2d')!;
      const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      const sums = new Map<number, [number, number, number, number]>();
      let opaque = 0;
      let maxAlpha = 0;
      let hash = 0;
      for (let i = 0; i < width * height; i++) {
        const [r, g, b, a] = [data[i * 4]!, data[i * 4 + 1]!, data[i * 4 + 2]!, data[i * 4 + 3]!];
        hash = (hash * 31 + r * 7 + g * 13 + b * 17 + a) >>> 0;
        if (a === 0) continue;
        opaque++;
        maxAlpha = Math.max(maxAlpha, a);
        colours.add((r << 24) | (g << 16) | (b << 8) | a);
        const s = map[i]!;
        const acc = sums.get(s) ?? [0, 0, 0, 0];
        sums.set(s, [acc[0] + r, acc[1] + g, acc[2] + b, acc[3] + 1]);
      }
      const segmentColours: Record<number, [number, number, number]> = {};
      for (const [s, [r, g, b, n]] of sums) segmentColours[s] = [r / n, g / n, b / n];
      return { width, height, opaque, distinctColours: colours.size, maxAlpha, segments: [...sums.keys()].sort((a, b) => a - b), hash, segmentColours };
    },
    { selector, map },
  );
}

/** Picks an option of a vscode-single-select the way a user does: open it, click the option. */
export async function choose(page: Page, selectId: string, optionText: string): Promise<void> {
  await page.locator(`#${selectId}`).click();
  await page.locator(`#${selectId}`).getByRole('option', { name: optionText, exact: true }).click();
  await page.waitForFunction(
    ({ id, text }) => {
      const s = document.getElementById(id) as (HTMLElement & { value: string }) | null;
      const opt = [...(s?.querySelectorAll('vscode-option') ?? [])].find((o) => o.textContent === text);
      return !!opt && s!.value === opt.getAttribute('value');
    },
    { id: selectId, text: optionText },
  );
}
