/**
 * Markdown to HTML for the report, with raw HTML shown as text. The report quotes account and
 * fund names that people typed, and a model wrote the prose around them, so nothing in the
 * markdown may become markup the page did not intend: HTML blocks and inline tags are escaped,
 * links keep their text but never navigate away, and images are replaced by their alt text
 * (the report must not fetch anything).
 */
import { Marked, type Tokens } from 'marked';
import { escapeXml } from './svg-charts.ts';

function safeMarked(headingOffset: number): Marked {
  return new Marked({
    async: false,
    gfm: true,
    renderer: {
      html({ text, block }: Tokens.HTML | Tokens.Tag): string {
        return block ? `<p>${escapeXml(text.trim())}</p>\n` : escapeXml(text);
      },
      link({ href, tokens }: Tokens.Link): string {
        const text = this.parser.parseInline(tokens);
        if (href.startsWith('#') && /^#[A-Za-z0-9_-]*$/.test(href)) return `<a href="${escapeXml(href)}">${text}</a>`;
        const plain = tokens.map((token) => token.raw).join('');
        return plain === href
          ? `<span class="link">${text}</span>`
          : `<span class="link">${text}</span> (${escapeXml(href)})`;
      },
      image({ text }: Tokens.Image): string {
        return text ? `<span class="image-alt">[${escapeXml(text)}]</span>` : '';
      },
      heading({ tokens, depth }: Tokens.Heading): string {
        const level = Math.min(6, depth + headingOffset);
        return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
      },
    },
  });
}

const instances = new Map<number, Marked>();

export interface MarkdownOptions {
  /** Demotes headings, so a document's `#` can sit under the page's own h2 (offset 2 -> h3). */
  headingOffset?: number;
}

/** Renders markdown to an HTML fragment in which user text can only ever be text. */
export function renderMarkdown(source: string, options: MarkdownOptions = {}): string {
  const offset = Math.max(0, Math.min(5, Math.trunc(options.headingOffset ?? 0)));
  let instance = instances.get(offset);
  if (!instance) instances.set(offset, (instance = safeMarked(offset)));
  return instance.parse(source, { async: false });
}
