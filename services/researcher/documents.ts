/**
 * A document as the researcher keeps it: its title, date and normalised text, whatever it came
 * as (Markdown, plain text or HTML). Normalised text is paragraphs of single-spaced words
 * separated by one blank line; passages' offsets point into it, so it is what the content hash
 * covers too (re-saving a file with other line endings or trailing spaces changes nothing).
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '#events/errors.ts';

export const DOCUMENT_FORMATS = ['markdown', 'text', 'html'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** The largest document accepted, in characters of its source (about 1 MB of English). */
export const MAX_DOCUMENT_CHARS = 1_000_000;

export interface ParsedDocument {
  title: string;
  /** ISO yyyy-mm-dd, when the document states one. */
  date?: string;
  text: string;
  /** SHA-256 of title, date and text: what makes two versions the same document. */
  contentHash: string;
}

const EXTENSIONS: Record<string, DocumentFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.html': 'html',
  '.htm': 'html',
};

/** The format a file name says, or undefined for a type the researcher does not read. */
export function formatOfPath(path: string): DocumentFormat | undefined {
  const match = /\.[a-z]+$/i.exec(path);
  return match ? EXTENSIONS[match[0].toLowerCase()] : undefined;
}

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

/** Parses a document; refuses one too large or with no words, naming the source and the fix. */
export function parseDocument(source: string, format: DocumentFormat, content: string): ParsedDocument {
  if (content.length > MAX_DOCUMENT_CHARS) {
    throw new InvalidInputError(
      `${source}: is ${content.length.toLocaleString('en-US')} characters; the limit is ` +
        `${MAX_DOCUMENT_CHARS.toLocaleString('en-US')}: split it into smaller documents`,
    );
  }
  const parsed = format === 'markdown' ? markdown(content) : format === 'html' ? html(content) : plain(content);
  if (!/[\p{L}\p{N}]/u.test(parsed.text)) {
    throw new InvalidInputError(`${source}: has no text to index (it is empty or holds only markup)`);
  }
  const title = parsed.title?.trim() || fileTitle(source);
  const date = isoDate(parsed.date);
  const contentHash = createHash('sha256')
    .update(`${title}\n${date ?? ''}\n${parsed.text}`)
    .digest('hex');
  return { title, ...(date ? { date } : {}), text: parsed.text, contentHash };
}

interface Raw {
  title?: string;
  date?: string;
  text: string;
}

function markdown(content: string): Raw {
  let body = content.replace(/\r\n?/g, '\n');
  const meta: Record<string, string> = {};
  const front = /^---\n([\s\S]*?)\n---(?:\n|$)/.exec(body);
  if (front) {
    for (const line of front[1]!.split('\n')) {
      const field = /^([A-Za-z_]+):\s*(.*)$/.exec(line);
      if (field) meta[field[1]!.toLowerCase()] = field[2]!.replace(/^["']|["']$/g, '').trim();
    }
    body = body.slice(front[0].length);
  }
  const heading = /^#\s+(.+)$/m.exec(body);
  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) paragraphs.push(current.join(' '));
    current = [];
  };
  for (const raw of body.split('\n')) {
    if (/^\s*(```|~~~)/.test(raw) || /^\s*\|?\s*:?-{3,}/.test(raw) || /^\s*([-*_]\s*){3,}$/.test(raw)) {
      flush();
      continue;
    }
    const line = raw.replace(/^\s*>\s?/, '');
    if (line.trim() === '') {
      flush();
      continue;
    }
    // Headings and table rows stand alone; a list item starts a paragraph that its wrapped
    // continuation lines join (so a sentence across two lines stays one sentence).
    const alone = /^\s*(#{1,6}\s+|\|)/.test(line);
    if (alone || /^\s*([-*+]\s+|\d+[.)]\s+)/.test(line)) flush();
    current.push(inlineMarkdown(line.replace(/^\s*(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)/, '').replace(/\s*#+\s*$/, '')));
    if (alone) flush();
  }
  flush();
  return {
    title: meta.title ?? (heading ? inlineMarkdown(heading[1]!) : undefined),
    date: meta.date,
    text: joinParagraphs(paragraphs),
  };
}

function inlineMarkdown(line: string): string {
  return line
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/<(https?:[^>\s]+)>/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\s*\|\s*/g, ' | ')
    .replace(/^\s*\|\s*|\s*\|\s*$/g, '');
}

function html(content: string): Raw {
  const source = content.replace(/\r\n?/g, '\n');
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(source)?.[1];
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(source)?.[1];
  const date =
    /<meta[^>]+(?:name|property)=["'](?:date|dc\.date|article:published_time)["'][^>]*content=["']([^"']+)["']/i.exec(
      source,
    )?.[1] ?? /<time[^>]+datetime=["']([^"']+)["']/i.exec(source)?.[1];
  const body = source
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|template|noscript)\b[\s\S]*?<\/\1>/gi, '')
    .replace(
      /<\/?(p|div|h[1-6]|li|br|tr|section|article|header|footer|blockquote|pre|table|ul|ol|dd|dt)\b[^>]*>/gi,
      '\n\n',
    )
    .replace(/<[^>]+>/g, ' ');
  const paragraphs = decodeEntities(body)
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim());
  const clean = (text?: string) =>
    text
      ? decodeEntities(text.replace(/<[^>]+>/g, ' '))
          .replace(/\s+/g, ' ')
          .trim()
      : undefined;
  return { title: clean(title) || clean(heading), date, text: joinParagraphs(paragraphs) };
}

function plain(content: string): Raw {
  const paragraphs = content.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  const first = paragraphs.find((p) => p.trim() !== '')?.trim();
  // A short first line standing alone reads as the title, as a person would take it.
  const title = first && !first.includes('\n') && first.length <= 120 ? first : undefined;
  return { title, text: joinParagraphs(paragraphs.map((p) => p.replace(/\s+/g, ' ').trim())) };
}

function joinParagraphs(paragraphs: readonly string[]): string {
  return paragraphs
    .map((p) => p.normalize('NFC').replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '')
    .join('\n\n');
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** `asset-classes.md` → `asset classes`: a readable title when the document states none. */
function fileTitle(source: string): string {
  const base = source.split(/[\\/]/).pop() ?? source;
  return (
    base
      .replace(/\.[a-z]+$/i, '')
      .replace(/[-_]+/g, ' ')
      .trim() || source
  );
}

/** The yyyy-mm-dd a stated date begins with, when it is a real date; otherwise none. */
function isoDate(value: string | undefined): string | undefined {
  const match = value && /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!match) return undefined;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[0] ? undefined : match[0];
}
