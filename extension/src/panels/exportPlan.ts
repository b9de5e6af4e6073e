/**
 * Where "Export Panel" writes each result (pure): a panel with one result writes into the chosen folder;
 * a comparison writes each model into its own subfolder (named after the model), so that two results'
 * result.json and report.html never overwrite each other. And how many files really landed on disk.
 */
import * as path from 'node:path';

export interface ExportEntry {
  resultId: string;
  /** What the result is called in the panel (the model's name); names the subfolder. */
  name: string;
}

export interface ExportTarget {
  resultId: string;
  folder: string;
}

/** A file-system-safe folder name for a model name: letters, digits, '-', '_' and '.', at most 64 characters. */
export function folderName(name: string): string {
  const slug = name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 64);
  return slug === '' ? 'result' : slug;
}

export function exportTargets(folder: string, entries: readonly ExportEntry[]): ExportTarget[] {
  if (entries.length <= 1) return entries.map((e) => ({ resultId: e.resultId, folder }));
  const used = new Set<string>();
  return entries.map((e, i) => {
    let name = folderName(e.name);
    if (used.has(name.toLowerCase())) name = `${name}-${i + 1}`;
    used.add(name.toLowerCase());
    return { resultId: e.resultId, folder: path.join(folder, name) };
  });
}

/** The distinct written paths that exist on disk (what the toast reports). */
export function countOnDisk(files: readonly string[], exists: (file: string) => boolean): number {
  return [...new Set(files.map((f) => path.resolve(f)))].filter(exists).length;
}
