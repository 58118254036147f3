import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '#services/researcher/documents.ts';
import { splitPassages } from '#services/researcher/passages.ts';

const dir = new URL('../../../../docs/knowledge/', import.meta.url);
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .map((file) => ({ file, text: readFileSync(new URL(file, dir), 'utf8') }));

describe('the seed knowledge in docs/knowledge', () => {
  it('ships between 10 and 16 Markdown documents', () => {
    expect(docs.length).toBeGreaterThanOrEqual(10);
    expect(docs.length).toBeLessThanOrEqual(16);
  });

  // Exactly these lines, first thing in the file: a formatter that adds a blank line after the opening
  // fence (biome's Markdown formatter does; biome.json excludes this folder) breaks front matter readers.
  it.each(docs)('$file opens with front matter: a title, an ISO date and its sources', ({ text }) => {
    expect(text).toMatch(/^---\ntitle: \S[^\n]*\ndate: \d{4}-\d{2}-\d{2}\nsources: \S[^\n]*\n---\n/);
  });

  it.each(docs)('$file has a title heading and a Sources list naming at least two references', ({ text }) => {
    expect(text).toMatch(/^# \S/m);
    const sources = text.split(/^## Sources$/m)[1] ?? '';
    expect(sources.match(/^- \S/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });

  it.each(docs)(
    '$file is read by the ingest with its own title and date, and splits into passages',
    ({ file, text }) => {
      const title = /^title: (.*)$/m.exec(text)?.[1];
      const parsed = parseDocument(`docs/knowledge/${file}`, 'markdown', text);
      expect(parsed.title).toBe(title);
      expect(parsed.date).toBe('2026-11-30');
      expect(parsed.text).not.toMatch(/^title:|^sources:/m);
      expect(splitPassages(parsed.text).length).toBeGreaterThanOrEqual(2);
    },
  );
});
