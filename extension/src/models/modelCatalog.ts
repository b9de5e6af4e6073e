/**
 * The models a user can pick (pure): the bundled demo models first, then workspace manifests, which
 * only a trusted workspace may offer.
 */
import * as path from 'node:path';

export interface ModelChoice {
  manifestPath: string;
  label: string;
  description: string;
  source: 'bundled' | 'workspace' | 'file';
}

export const BUNDLED_MODELS: readonly { folder: string; label: string; description: string }[] = [
  { folder: 'clean', label: 'mini-CLEVR clean', description: 'bundled demo model, trained on balanced data' },
  { folder: 'biased', label: 'mini-CLEVR biased', description: 'bundled demo model with a language shortcut' },
];

/**
 * The bundled demo models: `<extension>/demo/models/<name>/manifest.json` in the VSIX, else the
 * repository's `demo/models` beside the extension folder (development).
 */
export function bundledModels(extensionPath: string, exists: (file: string) => boolean): ModelChoice[] {
  const roots = [path.join(extensionPath, 'demo', 'models'), path.join(extensionPath, '..', 'demo', 'models')];
  const root = roots.find((r) => BUNDLED_MODELS.some((m) => exists(path.join(r, m.folder, 'manifest.json')))) ?? roots[0]!;
  return BUNDLED_MODELS.map((m) => ({
    manifestPath: path.resolve(root, m.folder, 'manifest.json'),
    label: m.label,
    description: m.description,
    source: 'bundled' as const,
  }));
}

/** Whether `file` lies inside one of the folders (used to apply Workspace Trust to a stored choice). */
export function isInside(file: string, folders: readonly string[]): boolean {
  const f = path.resolve(file);
  return folders.some((folder) => {
    const rel = path.relative(path.resolve(folder), f);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/** A manifest looks like DIME's when it is a JSON object with labels and graphs. */
export function looksLikeManifest(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && Array.isArray((v as { labels?: unknown }).labels) && typeof (v as { graphs?: unknown }).graphs === 'object';
  } catch {
    return false;
  }
}

/**
 * What a model is called in the status bar and panel titles: the manifest's "name", else its folder's name
 * (never a long absolute path).
 */
export function modelName(manifestPath: string, manifestText: string | undefined): string {
  try {
    const name = (JSON.parse(manifestText ?? '') as { name?: unknown }).name;
    if (typeof name === 'string' && name.trim() !== '') return name.trim().slice(0, 80);
  } catch {
    // not JSON: fall back to the folder
  }
  return path.basename(path.dirname(manifestPath)) || path.basename(manifestPath);
}

/**
 * May this manifest be loaded? Bundled ones always; any other only in a trusted workspace.
 */
export function mayLoad(manifestPath: string, bundled: readonly ModelChoice[], trusted: boolean): boolean {
  const resolved = path.resolve(manifestPath);
  return trusted || bundled.some((b) => path.resolve(b.manifestPath) === resolved);
}
