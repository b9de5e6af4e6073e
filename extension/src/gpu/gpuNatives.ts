/**
 * Which CUDA build of ONNX Runtime the daemon runs from: the folder "DIME: Enable GPU" installed into the extension's
 * global storage, remembered in its global state. A folder that is gone (storage cleared) is forgotten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';

const KEY = 'dime.gpu.natives';
const LIBRARY = 'libonnxruntime.so';

export function gpuFolder(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'gpu');
}

export function gpuNatives(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): string | undefined {
  const folder = context.globalState.get<string>(KEY);
  if (!folder) return undefined;
  if (fs.existsSync(path.join(folder, LIBRARY))) return folder;
  log.warn(`the CUDA build of ONNX Runtime in ${folder} is gone; the daemon uses its own (run "DIME: Enable GPU" again)`);
  void context.globalState.update(KEY, undefined);
  return undefined;
}

export function rememberGpuNatives(context: vscode.ExtensionContext, folder: string): Thenable<void> {
  return context.globalState.update(KEY, folder);
}
