/** Colours of the current VS Code theme, read from its CSS variables (canvas drawing cannot use var()). */
import { parseColor, type Rgb } from './colorScale';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeKind(): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

function cssColor(name: string, fallback: Rgb): Rgb {
  return parseColor(getComputedStyle(document.body).getPropertyValue(name)) ?? fallback;
}

export function editorBackground(): Rgb {
  const kind = themeKind();
  return cssColor('--vscode-editor-background', kind === 'light' || kind === 'high-contrast-light' ? [255, 255, 255] : [30, 30, 30]);
}

export function foreground(): Rgb {
  const kind = themeKind();
  return cssColor('--vscode-foreground', kind === 'light' || kind === 'high-contrast-light' ? [0, 0, 0] : [204, 204, 204]);
}

/** Segment borders: the theme's contrast border in high contrast, else its foreground. */
export function borderColor(): Rgb {
  const kind = themeKind();
  if (kind.startsWith('high-contrast')) return cssColor('--vscode-contrastActiveBorder', cssColor('--vscode-contrastBorder', foreground()));
  return foreground();
}

/** Calls `listener` when VS Code switches theme (it changes the body's classes). */
export function onThemeChange(listener: () => void): void {
  new MutationObserver(listener).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
