import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../../docs/knowledge/', import.meta.url);
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .map((file) => ({ file, text: readFileSync(new URL(file, dir), 'utf8') }));

describe('the seed knowledge in docs/knowledge', () => {
  it('ships between 10 and 16 Markdown documents', () => {
    expect(docs.length).toBeGreaterThanOrEqual(10);
    expect(docs.length).toBeLessThanOrEqual(16);
  });

  it.each(docs)('$file has front matter with a title, an ISO date and its sources', ({ text }) => {
    const front = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? '';
    expect(front).toMatch(/^title: \S.*$/m);
    expect(front).toMatch(/^date: \d{4}-\d{2}-\d{2}$/m);
    expect(front).toMatch(/^sources: \S.*$/m);
  });

  it.each(docs)('$file has a title heading and a Sources list naming at least two references', ({ text }) => {
    expect(text).toMatch(/^# \S/m);
    const sources = text.split(/^## Sources$/m)[1] ?? '';
    expect(sources.match(/^- \S/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });
});
