/** "DIME: Explain Image…": the active image editor (or a picked image file) with a typed question. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { explainInPanel } from '../explain/explainInPanel';
import { reportError } from '../explain/runInPanel';
import type { Services } from '../explain/services';

export const EXPLAIN_IMAGE = 'dime.explainImage';
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'bmp', 'gif', 'webp'];
const MAX_QUESTION = 500;

function activeImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === 'imagePreview.previewEditor') return input.uri;
  return undefined;
}

function isImage(uri: vscode.Uri): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(uri.fsPath).slice(1).toLowerCase());
}

export function registerExplainImage(s: Services): vscode.Disposable {
  return vscode.commands.registerCommand(EXPLAIN_IMAGE, async (arg?: unknown) => {
    try {
      let uri = arg instanceof vscode.Uri && isImage(arg) ? arg : activeImage();
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Explain',
          filters: { Images: IMAGE_EXTENSIONS },
          title: 'DIME: pick an image to explain',
        });
        uri = picked?.[0];
      }
      if (!uri) return;
      if (uri.scheme !== 'file') throw new Error('DIME explains images stored as local files.');
      const question = await vscode.window.showInputBox({
        title: `DIME: ask about ${path.basename(uri.fsPath)}`,
        prompt: 'The question to explain the model\'s answer to',
        placeHolder: 'e.g. is there a red circle?',
        ignoreFocusOut: true,
        validateInput: (v) =>
          v.trim() === '' ? 'Type a question.' : v.length > MAX_QUESTION ? `At most ${MAX_QUESTION} characters.` : undefined,
      });
      if (question === undefined) return;
      const folder = path.dirname(uri.fsPath);
      const imagePath = uri.fsPath;
      await explainInPanel(s, {
        modelName: s.models.selected().label,
        prepare: async () => ({ model: await s.models.current(), sample: { imagePath, question: question.trim() } }),
        label: path.basename(uri.fsPath),
        question: question.trim(),
        imagePath: uri.fsPath,
        dataFolders: [folder],
        baseFolder: folder,
      });
    } catch (error) {
      reportError(s.log, 'Explain image', error);
    }
  });
}
