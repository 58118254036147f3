/**
 * The few DOM helpers the views share: build elements from data (text is always a text node,
 * never parsed as HTML), replace the page's main content and move focus to its heading, and
 * announce a change to screen readers through the one live region.
 */

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** Replaces the page's content and puts focus on its first heading, as a page load would. */
export function show(title: string, ...content: Node[]): void {
  const main = document.getElementById('main')!;
  main.replaceChildren(...content);
  document.title = `${title} · Alex`;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

export function announce(message: string): void {
  const live = document.getElementById('live')!;
  live.textContent = '';
  // A new text node after clearing makes screen readers read the same message again.
  setTimeout(() => {
    live.textContent = message;
  }, 50);
}

export const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

export function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Offers text as a file download, from memory: nothing goes through a URL the server sees. */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
