/** Datasets opened in the daemon, cached per daemon process and reopened when their file is saved. */
import * as vscode from 'vscode';
import { datasetFields, type RequiredFields } from '../config/settings';
import type { DaemonService } from '../daemon/daemonService';
import { Methods, type DatasetFormat, type DatasetInfo, type SampleInfo } from '../daemon/protocol';
import { confirmsSample } from './sampleMatch';
import type { CursorSample } from './sampleAtCursor';

export class DatasetService implements vscode.Disposable {
  private opened = new Map<string, Promise<DatasetInfo>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly daemon: DaemonService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      daemon.onDidStartProcess(() => (this.opened = new Map())),
      vscode.workspace.onDidSaveTextDocument((doc) => this.forget(doc.uri.fsPath)),
    );
  }

  open(path: string, format: DatasetFormat, fields: RequiredFields): Promise<DatasetInfo> {
    const key = JSON.stringify([path, format, fields]);
    let pending = this.opened.get(key);
    if (!pending) {
      const changed = datasetFields(fields);
      pending = this.daemon.request(Methods.openDataset, changed ? { path, format, fields: changed } : { path, format });
      pending.then(
        (info) => {
          this.log.info(`opened ${path}: ${info.count} samples (${info.datasetId})`);
          for (const w of info.warnings ?? []) this.log.warn(`${path}: ${w}`);
        },
        () => this.opened.delete(key),
      );
      this.opened.set(key, pending);
    }
    return pending;
  }

  /**
   * The daemon's index of the sample under the cursor: the local estimate when the daemon confirms it
   * (same line, or same question for CLEVR), else a search through its samples.
   */
  async indexOf(dataset: DatasetInfo, sample: CursorSample): Promise<number> {
    const probe = await this.daemon.request(Methods.listSamples, { datasetId: dataset.datasetId, offset: sample.index, limit: 1 });
    if (probe.samples[0] && confirmsSample(probe.samples[0], sample)) return sample.index;
    const page = 5000;
    for (let offset = 0; offset < probe.total; offset += page) {
      const { samples } = await this.daemon.request(Methods.listSamples, { datasetId: dataset.datasetId, offset, limit: page });
      const found: SampleInfo | undefined = samples.find((s) => confirmsSample(s, sample));
      if (found) return found.index;
    }
    throw new Error(`The daemon did not read line ${sample.line + 1} as a sample (see "DIME: Show Logs" for the lines it skipped).`);
  }

  /** A dataset id the daemon handed out earlier, if it still knows it. */
  known(datasetId: string): Promise<DatasetInfo | undefined> {
    return Promise.all([...this.opened.values()].map((p) => p.catch(() => undefined))).then((all) => all.find((d) => d?.datasetId === datasetId));
  }

  private forget(path: string): void {
    for (const key of [...this.opened.keys()]) {
      if ((JSON.parse(key) as unknown[])[0] === path) this.opened.delete(key);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
