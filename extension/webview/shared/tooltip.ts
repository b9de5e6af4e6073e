/** One floating tooltip per page, filled with textContent. */
import { h } from './dom';

let tip: HTMLDivElement | undefined;

function element(): HTMLDivElement {
  if (!tip) {
    tip = h('div', { class: 'tooltip', id: 'tooltip', attrs: { role: 'tooltip' } });
    tip.hidden = true;
    document.body.append(tip);
  }
  return tip;
}

export function showTooltip(text: string, x: number, y: number): void {
  const t = element();
  t.textContent = text;
  t.hidden = false;
  const pad = 12;
  const maxX = window.innerWidth - t.offsetWidth - 4;
  const maxY = window.innerHeight - t.offsetHeight - 4;
  t.style.left = `${Math.max(4, Math.min(maxX, x + pad))}px`;
  t.style.top = `${Math.max(4, Math.min(maxY, y + pad))}px`;
}

export function hideTooltip(): void {
  if (tip) tip.hidden = true;
}
