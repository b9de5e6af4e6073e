/** The @vscode-elements components the panels use (registered once), with typed factories. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import { h } from './dom';

export function button(label: string, id: string, secondary = false): VscodeButton {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.textContent = label;
  if (secondary) b.secondary = true;
  return b;
}

export function select(id: string, label: string, options: readonly { value: string; text: string }[], value: string): VscodeSingleSelect {
  const s = document.createElement('vscode-single-select');
  s.id = id;
  s.setAttribute('aria-label', label);
  for (const o of options) {
    const opt = document.createElement('vscode-option');
    opt.setAttribute('value', o.value);
    opt.textContent = o.text;
    if (o.value === value) opt.setAttribute('selected', '');
    s.append(opt);
  }
  s.value = value;
  return s;
}

export function checkbox(id: string, label: string, checked: boolean): VscodeCheckbox {
  const c = document.createElement('vscode-checkbox');
  c.id = id;
  c.label = label;
  c.checked = checked;
  return c;
}

export function progressBar(id: string): VscodeProgressBar {
  const p = document.createElement('vscode-progress-bar');
  p.id = id;
  p.max = 1;
  return p;
}

export function labelled(text: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'control' }, h('span', { class: 'control-label', text }), control);
}
