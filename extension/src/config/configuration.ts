/** Reads the `dime.*` settings through vscode and parses them with the pure settings module. */
import * as vscode from 'vscode';
import type { OptionLimits } from '../daemon/protocol';
import type { Logger } from '../util/logger';
import { parseSettings, SECTION, type DimeSettings } from './settings';

/** @param limits the daemon's option bounds once it has answered initialize. */
export function readSettings(log?: Logger, limits?: OptionLimits): DimeSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const { settings, warnings } = parseSettings((key) => config.get<unknown>(key), limits);
  for (const warning of warnings) log?.warn(`settings: ${warning}`);
  return settings;
}

/** Fires when a `dime.*` setting below one of `keys` changes (all of them when no keys are given). */
export function onDidChangeSettings(listener: () => void, ...keys: string[]): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    const targets = keys.length ? keys.map((k) => `${SECTION}.${k}`) : [SECTION];
    if (targets.some((t) => e.affectsConfiguration(t))) listener();
  });
}
