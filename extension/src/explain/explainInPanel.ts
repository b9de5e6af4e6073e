/** The explanation flow every "explain" entry point shares: panel first, then the request, then the result. */
import * as path from 'node:path';
import { explainOptions } from '../config/settings';
import { Methods, type ModelInfo, type SampleRef } from '../daemon/protocol';
import { runInPanel } from './runInPanel';
import type { Services } from './services';

export interface ExplainRequest {
  model: ModelInfo;
  sample: SampleRef;
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
  const title = `DIME: ${request.label} · ${request.model.name}`;
  const panel = services.panels.create('explanation', title, request.dataFolders);
  panel.origin = { manifestPath: request.model.manifestPath };
  panel.post({
    type: 'start',
    title,
    subtitle: request.model.name,
    question: request.question,
    ...(request.imagePath ? { imageUri: panel.asWebviewUri(request.imagePath) } : {}),
  });
  const options = explainOptions(services.settings());
  const result = await runInPanel(panel, `Explaining ${request.label}`, services.log, (token, onProgress) =>
    services.daemon.requestWithProgress(Methods.explain, { modelId: request.model.modelId, sample: request.sample, options }, onProgress, token),
  );
  if (!result) return;
  const imagePath = absolute(result.sample.imagePath, request.baseFolder);
  panel.allowFolders([path.dirname(imagePath)]);
  panel.resultIds = [result.resultId];
  panel.post({ type: 'explanation', result, imageUri: panel.asWebviewUri(imagePath) });
  services.log.info(
    `explained ${request.label}: predicted ${result.labels[result.prediction.label] ?? '?'} on ${result.device.kind}, ${String(result.timings['total'] ?? '?')} ms${result.cached ? ' (cached)' : ''}`,
  );
}

export function absolute(file: string, base: string | undefined): string {
  return path.isAbsolute(file) || !base ? file : path.join(base, file);
}
