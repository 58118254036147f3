/**
 * The knowledge base end to end through the command line, on a temporary home: `alex knowledge
 * add docs/knowledge` (through DocumentSubmitted and the researcher's queue), unchanged and changed
 * documents, search, and then `alex analyze examples/portfolio.json` writing a report whose Sources
 * cite the knowledge base (the reporter in its worker thread, searching through the main thread).
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '#infra/cli/main.ts';
import { EXAMPLE_PATH } from '../support.ts';

const KNOWLEDGE = fileURLToPath(new URL('../../../docs/knowledge/', import.meta.url));

async function cli(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('alex knowledge, then alex analyze', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'alex-knowledge-'));
  const home = join(cwd, 'state');
  cpSync(KNOWLEDGE, join(cwd, 'docs', 'knowledge'), { recursive: true });

  it('adds every document of the folder once, and re-adding it unchanged changes nothing', async () => {
    const added = await cli(['knowledge', 'add', 'docs/knowledge', '--home', home, '--json'], cwd);
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    const outcomes = JSON.parse(added.out) as Array<{ documentId: string; outcome: string; passages: number }>;
    expect(outcomes.length).toBeGreaterThanOrEqual(10);
    for (const o of outcomes) {
      expect(o.documentId).toMatch(/^docs\/knowledge\/[a-z0-9-]+\.md$/);
      expect(o.outcome).toBe('added');
      expect(o.passages).toBeGreaterThan(0);
    }
    const again = await cli(['knowledge', 'add', 'docs/knowledge', '--home', home], cwd);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`0 added, 0 replaced, ${outcomes.length} unchanged, 0 failed`);
  });

  it('replaces the passages of a changed document', async () => {
    const file = join(cwd, 'docs', 'knowledge', 'home-bias.md');
    appendFileSync(file, '\n\nA closing paragraph about a lighthouse keeper who diversified abroad.\n');
    const changed = await cli(['knowledge', 'add', 'docs/knowledge/home-bias.md', '--home', home], cwd);
    expect(changed.out).toMatch(/^replaced\s+docs\/knowledge\/home-bias\.md/m);
    const found = await cli(['knowledge', 'search', 'lighthouse keeper', '--home', home, '--json'], cwd);
    const hits = JSON.parse(found.out) as Array<{ documentId: string; text: string }>;
    expect(hits[0]?.documentId).toBe('docs/knowledge/home-bias.md');
    expect(hits[0]?.text).toContain('lighthouse keeper');
  });

  it('refuses an unsupported file and an empty document with exit 2, adding nothing', async () => {
    writeFileSync(join(cwd, 'notes.pdf'), '%PDF-1.7');
    writeFileSync(join(cwd, 'empty.md'), '\n\n');
    const pdf = await cli(['knowledge', 'add', 'notes.pdf', 'docs/knowledge', '--home', home], cwd);
    expect(pdf.code).toBe(2);
    expect(pdf.err).toMatch(/notes\.pdf: is not a supported document type/);
    const empty = await cli(['knowledge', 'add', 'empty.md', '--home', home], cwd);
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/empty\.md: has no text to index/);
    const listed = await cli(['knowledge', 'list', '--home', home, '--json'], cwd);
    expect((JSON.parse(listed.out) as Array<{ documentId: string }>).map((d) => d.documentId)).not.toContain(
      'empty.md',
    );
  });

  it('analyses the example portfolio into a report whose Sources cite the knowledge base', async () => {
    const out = join(cwd, 'out');
    const analyzed = await cli(['analyze', EXAMPLE_PATH, '--home', home, '--out', out], cwd);
    expect(analyzed.code).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      report: {
        citations?: Array<{ documentId: string; passageKey: string; passage: number; score: number; quote: string }>;
      };
    };
    const citations = result.report.citations ?? [];
    expect(citations.length).toBeGreaterThanOrEqual(2);
    for (const citation of citations) {
      expect(citation.documentId).toMatch(/^docs\/knowledge\//);
      expect(citation.passageKey).toBe(`${citation.documentId}#${citation.passage}`);
      expect(citation.score).toBeGreaterThan(0);
      expect(citation.quote).not.toMatch(/\d/);
    }
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('## Sources');
    expect(markdown).toContain(citations[0]!.documentId);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<h\d[^>]*>Sources<\/h\d>/);
    expect(html).toContain(citations[0]!.documentId);
  });

  it('removes a document and its passages', async () => {
    const removed = await cli(['knowledge', 'remove', 'docs/knowledge/home-bias.md', '--home', home], cwd);
    expect(removed.code).toBe(0);
    const listed = await cli(['knowledge', 'list', '--home', home, '--json'], cwd);
    const ids = (JSON.parse(listed.out) as Array<{ documentId: string }>).map((d) => d.documentId);
    expect(ids).not.toContain('docs/knowledge/home-bias.md');
    const found = await cli(['knowledge', 'search', 'lighthouse keeper', '--home', home, '--json'], cwd);
    expect((JSON.parse(found.out) as Array<{ documentId: string }>).map((h) => h.documentId)).not.toContain(
      'docs/knowledge/home-bias.md',
    );
  });
});
