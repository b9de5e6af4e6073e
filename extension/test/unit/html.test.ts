import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildWebviewHtml, contentSecurityPolicy, createNonce, escapeHtml } from '../../src/panels/html';

const source = 'https://file+.vscode-resource.vscode-cdn.net';
function render(nonce = createNonce(), title = 'DIME: sample 0001') {
  return buildWebviewHtml({
    kind: 'explanation',
    cspSource: source,
    nonce,
    scriptUri: `${source}/ext/media/dist/explanation.js`,
    styleUris: [`${source}/ext/media/dist/explanation.css`],
    title,
  });
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'a CSP meta tag');
  return m[1]!.replace(/&#39;/g, "'");
}

describe('webview HTML and CSP', () => {
  test('a fresh 128-bit nonce per render', () => {
    const nonces = new Set(Array.from({ length: 500 }, () => createNonce()));
    assert.equal(nonces.size, 500);
    for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 16);
    const a = cspOf(render());
    const b = cspOf(render());
    assert.notEqual(a, b);
  });

  test('the CSP is strict and exactly the documented one', () => {
    const nonce = createNonce();
    const csp = cspOf(render(nonce));
    assert.equal(csp, contentSecurityPolicy(source, nonce));
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['img-src'], [source, 'data:']);
    assert.deepEqual(directives['style-src'], [source, `'nonce-${nonce}'`]);
    assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
    assert.deepEqual(directives['font-src'], [source]);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !csp.includes('*'));
  });

  test('every script carries the nonce and a src; no inline script, no inline handlers', () => {
    const nonce = createNonce();
    const html = render(nonce);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    for (const [, attrs, body] of scripts) {
      assert.ok(attrs!.includes(`nonce="${nonce}"`));
      assert.match(attrs!, /\ssrc="[^"]+"/);
      assert.equal(body!.trim(), '');
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
    assert.doesNotMatch(html, /javascript:/i);
    assert.doesNotMatch(html, /\sstyle\s*=/i);
  });

  test('the title is escaped; dataset text never appears in the HTML', () => {
    const html = render(createNonce(), '<img src=x onerror=alert(1)> & "quotes"');
    assert.ok(html.includes('<title>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;</title>'));
    assert.doesNotMatch(html, /<img/);
    assert.equal(escapeHtml(`<>&"'`), '&lt;&gt;&amp;&quot;&#39;');
  });

  test('malformed nonce or CSP source is refused', () => {
    assert.throws(() => render('short'), /invalid nonce/);
    assert.throws(() => render(`${createNonce()}' 'unsafe-inline`), /invalid nonce/);
    assert.throws(
      () => buildWebviewHtml({ kind: 'dataset', cspSource: "x; script-src 'unsafe-inline'", nonce: createNonce(), scriptUri: 'a', styleUris: [], title: 't' }),
      /invalid CSP source/,
    );
  });

  test('cspSource may list several sources and keywords (code-server gives "\'self\' https://…")', () => {
    const nonce = createNonce();
    const multi = "'self' https://*.vscode-cdn.net";
    const html = buildWebviewHtml({ kind: 'explanation', cspSource: multi, nonce, scriptUri: 's', styleUris: [], title: 't' });
    assert.equal(cspOf(html), contentSecurityPolicy(multi, nonce));
    for (const bad of ["'self' 'unsafe-inline'", "'unsafe-eval'", "https://a, https://b", `'nonce-${nonce}'`]) {
      assert.throws(() => buildWebviewHtml({ kind: 'explanation', cspSource: bad, nonce, scriptUri: 's', styleUris: [], title: 't' }), /invalid CSP source/, bad);
    }
  });

  test('the panel kind selects the root and the bundle', () => {
    const html = buildWebviewHtml({ kind: 'dataset', cspSource: source, nonce: createNonce(), scriptUri: `${source}/dataset.js`, styleUris: [], title: 't' });
    assert.match(html, /<main id="app" data-panel="dataset" data-state="empty"><\/main>/);
    assert.match(html, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/dataset\.js"/);
  });
});
