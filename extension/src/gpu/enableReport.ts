/**
 * What `Dime.Daemon gpu enable --json` reports (src/Dime.Daemon/Cli/GpuCommand.cs, EnableReport), checked, and the
 * one message a user gets from it (pure).
 */
export interface EnableReport {
  /** The installed natives: the daemon runs ONNX Runtime from here (`--ort-natives`). */
  folder: string;
  package: string;
  version: string;
  sha512: string;
  /** False when this version was already installed. */
  downloaded: boolean;
  /** The CUDA libraries that do not load on this machine, and what provides each. */
  missing: { library: string; providedBy: string }[];
  /** One sentence on the CUDA libraries. */
  cuda: string;
}

const isStr = (v: unknown): v is string => typeof v === 'string';

export function parseEnableReport(stdout: string): EnableReport {
  let value: unknown;
  try {
    value = JSON.parse(stdout.trim());
  } catch {
    throw new Error(`the daemon's "gpu enable" printed no JSON: ${stdout.trim().slice(0, 200)}`);
  }
  const r = value as Record<string, unknown>;
  const missing = r['missing'];
  if (
    typeof value !== 'object' || value === null ||
    ![r['folder'], r['package'], r['version'], r['sha512'], r['cuda']].every(isStr) ||
    typeof r['downloaded'] !== 'boolean' ||
    !Array.isArray(missing) || !missing.every((m) => typeof m === 'object' && m !== null && isStr((m as Record<string, unknown>)['library']) && isStr((m as Record<string, unknown>)['providedBy']))
  ) {
    throw new Error(`the daemon's "gpu enable" printed an unexpected report: ${stdout.trim().slice(0, 200)}`);
  }
  return value as EnableReport;
}

/** The outcome for the user: ready, or what this machine lacks (named) and that the CPU is used until then. */
export function enableMessage(report: EnableReport): { level: 'info' | 'warning'; text: string } {
  const got = `${report.package} ${report.version} ${report.downloaded ? 'was downloaded and verified (SHA-512)' : 'is installed'}`;
  if (report.missing.length === 0) return { level: 'info', text: `DIME: ${got}; the daemon restarted with its CUDA provider.` };
  return { level: 'warning', text: `DIME: ${got}, but ${report.cuda}. Until then the daemon runs on the CPU.` };
}
