/** The explanation flow every "explain" entry point shares: panel first, then the request, then the result. */
import * as path from 'node:path';
import { explainOptions } from '../config/settings';
import { Methods, type ModelInfo, type SampleRef } from '../daemon/protocol';
import { runInPanel } from './runInPanel';
import type { Services } from './services';

export interface ExplainRequest {
  /** The model's display name, for the title before it is loaded. */
  modelName: string;
  /** Loads the model and resolves the sample inside the panel's progress (errors show in the panel). */
  prepare: () => Promise<{ model: ModelInfo; sample: SampleRef }>;
  /** Shown before the daemon answers. */
  label: string;
  question: string;
  imagePath?: string;
  /** Folders the panel may load images from. */
  dataFolders: string[];
  /** Folder that relative image paths of the result are relative to. */
  baseFolder?: string;
}

export async function explainInPanel(services: Services, request: ExplainRequest): Promise<void> {
  const title = `DIME: ${request.label} · ${request.modelName}`;
  const panel = services.panels.create('explanation', title, request.dataFolders);
  panel.post({
    type: 'start',
    title,
    subtitle: request.modelName,
    question: request.question,
    ...(request.imagePath ? { imageUri: panel.asWebviewUri(request.imagePath) } : {}),
  });
  const options = explainOptions(services.settings());
  const result = await runInPanel(panel, `Explaining ${request.label}`, services.log, async (token, onProgress) => {
    onProgress({ phase: 'loading the model', fraction: 0 });
    const { model, sample } = await request.prepare();
    panel.origin = { manifestPath: model.manifestPath };
    return services.daemon.requestWithProgress(Methods.explain, { modelId: model.modelId, sample, options }, onProgress, token);
  });
  if (!result) return;
  const imagePath = absolute(result.sample.imagePath, request.baseFolder);
  panel.allowFolders([path.dirname(imagePath)]);
  panel.resultIds = [result.resultId];
  panel.setTitle(`DIME: ${request.label} · ${result.model.name}`);
  panel.post({ type: 'explanation', result, imageUri: panel.asWebviewUri(imagePath) });
  services.log.info(
    `explained ${request.label}: predicted ${result.labels[result.prediction.label] ?? '?'} on ${result.device.kind}, ${String(result.timings['total'] ?? '?')} ms${result.cached ? ' (cached)' : ''}`,
  );
}

export function absolute(file: string, base: string | undefined): string {
  return path.isAbsolute(file) || !base ? file : path.join(base, file);
}
