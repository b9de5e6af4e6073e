/**
 * DOM construction without innerHTML: text goes in with textContent (text nodes), attributes through
 * setAttribute with event-handler and script-bearing attributes refused. Dataset text can therefore
 * never become markup.
 */
type Child = Node | string | number | null | undefined | false;

export interface ElementOptions {
  class?: string;
  id?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
  data?: Record<string, string>;
}

const FORBIDDEN_ATTRIBUTE = /^(on|style$|srcdoc$|formaction$)/i;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, options?: ElementOptions, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, options?: ElementOptions, ...children: Child[]): HTMLElement;
export function h(tag: string, options: ElementOptions = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (options.class) el.className = options.class;
  if (options.id) el.id = options.id;
  if (options.title !== undefined) el.title = options.title;
  for (const [name, value] of Object.entries(options.attrs ?? {})) setAttribute(el, name, value);
  for (const [name, value] of Object.entries(options.data ?? {})) el.dataset[name] = value;
  if (options.text !== undefined) el.textContent = options.text;
  append(el, ...children);
  return el;
}

export function setAttribute(el: Element, name: string, value: string): void {
  if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error(`refused attribute ${name}`);
  if ((name === 'href' || name === 'src') && /^\s*javascript:/i.test(value)) throw new Error(`refused ${name}`);
  el.setAttribute(name, value);
}

export function append(el: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

export function clear(el: Element): void {
  el.replaceChildren();
}

export function text(el: Element, value: string): void {
  el.textContent = value;
}
