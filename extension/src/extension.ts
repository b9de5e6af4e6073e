/**
 * Entry point. activate() only wires objects together: the daemon supervisor and its status bar, the
 * model and dataset services, the panel registry, the CodeLens and the commands, one file per feature.
 */
import * as vscode from 'vscode';
import { registerCompareModels } from './commands/compareModels';
import { registerEnableGpu } from './commands/enableGpu';
import { openDatasetSample, registerExplainDataset } from './commands/explainDataset';
import { openStoredSample, registerOpenDatasetResult } from './commands/openDatasetResult';
import { registerExplainImage } from './commands/explainImage';
import { registerExplainSample } from './commands/explainSample';
import { EXPORT_PANEL, registerExportPanel } from './commands/exportPanel';
import { registerRestartDaemon } from './commands/restartDaemon';
import { registerSelectModel } from './commands/selectModel';
import { registerShowLogs } from './commands/showLogs';
import { onDidChangeSettings, readSettings } from './config/configuration';
import { offerRestartOnChange } from './config/restartOnChange';
import type { DimeSettings } from './config/settings';
import { DaemonService } from './daemon/daemonService';
import type { InitializeResult, OptionLimits } from './daemon/protocol';
import { DaemonStatusBar } from './daemon/statusBar';
import { JSONL_SELECTOR, SampleCodeLensProvider } from './datasets/codeLensProvider';
import { DatasetService } from './datasets/datasetService';
import { attachExplanationLoop } from './explain/explanationLoop';
import { reproduceInPanel } from './explain/reproduceInPanel';
import type { Services } from './explain/services';
import { ModelService } from './models/modelService';
import { ModelStatusBar } from './models/modelStatusBar';
import { PanelRegistry } from './panels/panelRegistry';
import { RecentExplanations, registerRecentExplanations } from './recent/recentView';

let daemon: DaemonService | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('DIME', { log: true });
  let settings: DimeSettings = readSettings(log);
  daemon = new DaemonService(context, log);
  const running = daemon;
  const limits = (): OptionLimits | undefined => running.snapshot().info?.capabilities.options;
  let announcedBy: InitializeResult | undefined;
  const models = new ModelService(context, daemon, log);
  const datasets = new DatasetService(daemon, log);
  const panels = new PanelRegistry({ extensionUri: context.extensionUri, cacheFolder: daemon.cacheFolder, log });
  const recent = new RecentExplanations(context.workspaceState);
  const services: Services = { context, log, daemon, models, datasets, panels, settings: () => settings, remember: (entry) => entry && recent.record(entry) };
  const codeLens = new SampleCodeLensProvider(() => settings);

  context.subscriptions.push(
    log,
    daemon,
    models,
    datasets,
    panels,
    codeLens,
    new DaemonStatusBar(daemon),
    new ModelStatusBar(models),
    vscode.languages.registerCodeLensProvider(JSONL_SELECTOR, codeLens),
    onDidChangeSettings(() => {
      settings = readSettings(log, limits());
      codeLens.refresh();
    }),
    // The daemon announces its option bounds in initialize: settings are checked against them once it has answered.
    daemon.onDidChangeState((snap) => {
      if (snap.state === 'running' && snap.info !== announcedBy) {
        announcedBy = snap.info;
        settings = readSettings(log, limits());
      }
    }),
    offerRestartOnChange(),
    panels.onDidAdd((panel) => {
      panel.onDidRequestExport(() => void vscode.commands.executeCommand(EXPORT_PANEL, panel));
      panel.onDidRequestReproduce(() => void reproduceInPanel(services, panel));
      if (panel.kind === 'dataset') panel.onDidOpenSample((ref) => void openDatasetSample(services, panel, ref));
      if (panel.kind === 'dataset') panel.onDidOpenStored((index) => void openStoredSample(services, panel, index));
      if (panel.kind === 'explanation') attachExplanationLoop(services, panel);
    }),
    registerExplainSample(services),
    registerExplainImage(services),
    registerSelectModel(services),
    registerExplainDataset(services),
    registerOpenDatasetResult(services),
    registerCompareModels(services),
    registerExportPanel(services),
    registerShowLogs(log),
    registerRestartDaemon(services),
    registerEnableGpu(services),
    registerRecentExplanations(services, recent),
  );

  log.info(`DIME ${String((context.extension.packageJSON as { version?: string }).version)} activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
  void daemon.start();
}

export async function deactivate(): Promise<void> {
  await daemon?.stop();
  daemon = undefined;
}
