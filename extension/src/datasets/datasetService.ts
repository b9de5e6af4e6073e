/** Datasets opened in the daemon, cached per daemon process and reopened when their file is saved. */
import * as vscode from 'vscode';
import { datasetFields, type RequiredFields } from '../config/settings';
import type { DaemonService } from '../daemon/daemonService';
import { Methods, type DatasetFormat, type DatasetInfo } from '../daemon/protocol';
import { findSample, type SampleLocation, type SampleTarget } from './sampleLocation';

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

  /** Opens a dataset file; without a format the daemon tells JSONL from CLEVR by the file's extension. */
  open(path: string, format: DatasetFormat | undefined, fields: RequiredFields): Promise<DatasetInfo> {
    const key = JSON.stringify([path, format ?? null, fields]);
    let pending = this.opened.get(key);
    if (!pending) {
      const changed = datasetFields(fields);
      pending = this.daemon.request(Methods.openDataset, { path, ...(format ? { format } : {}), ...(changed ? { fields: changed } : {}) });
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

  /** The daemon's sample at a place in a dataset file (the dataset it opened for that is known from then on). */
  async find(location: SampleLocation, fields: RequiredFields): Promise<SampleTarget> {
    const target = await findSample(this.daemon, location, fields);
    const dataset = target.found.dataset;
    this.opened.set(JSON.stringify([dataset.path, null, fields]), Promise.resolve(dataset));
    return target;
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
