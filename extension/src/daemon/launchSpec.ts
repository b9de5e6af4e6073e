/**
 * Where the daemon is and how to start it (pure: file-system checks are injected).
 *
 * Order: the `dime.daemon.path` setting; the daemon bundled in the VSIX (`<extension>/daemon/Dime.Daemon`);
 * in development, the newest `Dime.Daemon.dll` built in the repository (`<extension>/../src/Dime.Daemon/bin/<cfg>/net10.0/`),
 * run with `dotnet`.
 */
import * as path from 'node:path';
import type { LogLevel } from '../config/settings';

export interface LaunchSpec {
  command: string;
  args: string[];
  /** What was found, for the log: "setting", "bundled" or "development". */
  source: 'setting' | 'bundled' | 'development';
  /** The executable or dll that will run. */
  target: string;
}

export interface LaunchInputs {
  settingPath: string;
  extensionPath: string;
  cacheFolder: string;
  parentPid: number;
  logLevel: LogLevel;
  /** The CUDA build of ONNX Runtime that "DIME: Enable GPU" installed (the daemon runs ONNX Runtime from there). */
  ortNatives?: string;
  /** Modification time in ms of an existing file, undefined when missing. */
  mtime: (file: string) => number | undefined;
  dotnet?: string;
}

export const BUNDLED_DAEMON = path.join('daemon', 'Dime.Daemon');
const DEV_CONFIGURATIONS = ['Debug', 'Release'];
const TARGET_FRAMEWORK = 'net10.0';

/** `Dime.Daemon serve --stdio …` (src/Dime.Daemon/Cli: `serve` is the editor's subcommand). */
export function daemonArgs(inputs: Pick<LaunchInputs, 'cacheFolder' | 'parentPid' | 'logLevel' | 'ortNatives'>): string[] {
  const natives = inputs.ortNatives ? ['--ort-natives', inputs.ortNatives] : [];
  return ['serve', '--stdio', '--parent-pid', String(inputs.parentPid), '--cache', inputs.cacheFolder, '--log-level', inputs.logLevel, ...natives];
}

/** The daemon's command line for another subcommand (`gpu enable …`), run the way `spec` runs `serve`. */
export function commandLine(spec: LaunchSpec, args: string[]): { command: string; args: string[] } {
  return { command: spec.command, args: spec.command === spec.target ? args : [spec.target, ...args] };
}

/** The launch spec, or an error message saying where the daemon was looked for. */
export function resolveLaunchSpec(inputs: LaunchInputs): LaunchSpec | { error: string } {
  const args = daemonArgs(inputs);
  const dotnet = inputs.dotnet ?? 'dotnet';

  if (inputs.settingPath) {
    const target = path.resolve(inputs.settingPath);
    if (inputs.mtime(target) === undefined) {
      return { error: `dime.daemon.path points to ${target}, which does not exist` };
    }
    return target.toLowerCase().endsWith('.dll')
      ? { command: dotnet, args: [target, ...args], source: 'setting', target }
      : { command: target, args, source: 'setting', target };
  }

  const bundled = path.join(inputs.extensionPath, BUNDLED_DAEMON);
  if (inputs.mtime(bundled) !== undefined) {
    return { command: bundled, args, source: 'bundled', target: bundled };
  }

  const repo = path.resolve(inputs.extensionPath, '..');
  let newest: { file: string; time: number } | undefined;
  const looked: string[] = [bundled];
  for (const cfg of DEV_CONFIGURATIONS) {
    const file = path.join(repo, 'src', 'Dime.Daemon', 'bin', cfg, TARGET_FRAMEWORK, 'Dime.Daemon.dll');
    looked.push(file);
    const time = inputs.mtime(file);
    if (time !== undefined && (!newest || time > newest.time)) newest = { file, time };
  }
  if (newest) {
    return { command: dotnet, args: [newest.file, ...args], source: 'development', target: newest.file };
  }
  return { error: `the DIME daemon was not found (looked for ${looked.join(', ')}); set dime.daemon.path` };
}
