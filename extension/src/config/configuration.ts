/** Reads the `dime.*` settings through vscode and parses them with the pure settings module. */
import * as vscode from 'vscode';
import type { Logger } from '../util/logger';
import { parseSettings, SECTION, type DimeSettings } from './settings';

export function readSettings(log?: Logger): DimeSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const { settings, warnings } = parseSettings((key) => config.get<unknown>(key));
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
