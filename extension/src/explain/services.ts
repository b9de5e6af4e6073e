/** The objects the commands work with, wired once in activate(). */
import type * as vscode from 'vscode';
import type { DimeSettings } from '../config/settings';
import type { DaemonService } from '../daemon/daemonService';
import type { OptionLimits } from '../daemon/protocol';
import type { DatasetService } from '../datasets/datasetService';
import type { ModelService } from '../models/modelService';
import type { PanelRegistry } from '../panels/panelRegistry';
import type { RecentEntry } from '../recent/recentList';

export interface Services {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  daemon: DaemonService;
  models: ModelService;
  datasets: DatasetService;
  panels: PanelRegistry;
  settings(): DimeSettings;
  /** Adds a finished explanation or comparison to the "Recent Explanations" view. */
  remember(entry: RecentEntry | undefined): void;
}

/** The daemon's option bounds for a panel's settings drawer, once the daemon has announced them. */
export function announcedLimits(s: Pick<Services, 'daemon'>): { limits?: OptionLimits } {
  const limits = s.daemon.snapshot().info?.capabilities.options;
  return limits ? { limits } : {};
}
