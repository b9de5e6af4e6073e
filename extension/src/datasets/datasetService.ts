/** Datasets opened in the daemon, cached per daemon process and reopened when their file is saved. */
import * as vscode from 'vscode';
import { datasetFields, type RequiredFields } from '../config/settings';
import type { DaemonService } from '../daemon/daemonService';
import { Methods, type DatasetFormat, type DatasetInfo } from '../daemon/protocol';

export class DatasetService implements vscode.Disposable {
  private opened = new Map<string, Promise<DatasetInfo>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly daemon: DaemonService) {
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
      pending.catch(() => this.opened.delete(key));
      this.opened.set(key, pending);
    }
    return pending;
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
