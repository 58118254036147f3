/**
 * Documents to normalised text (Markdown, HTML, plain text), their title, date and content hash,
 * and the passages cut from them: whole sentences, overlapping, with offsets into the text.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { formatOfPath, MAX_DOCUMENT_CHARS, parseDocument } from '#services/researcher/documents.ts';
import { OVERLAP_CHARS, sentences, splitPassages, TARGET_CHARS } from '#services/researcher/passages.ts';

describe('parseDocument', () => {
  it('reads Markdown front matter for title and date, and strips markup from the text', () => {
    const doc = parseDocument(
      'notes/bonds.md',
      'markdown',
      '---\ntitle: "Bonds, briefly"\ndate: 2024-05-06\n---\n# Ignored heading\n\nA **bond** is a [loan](https://x.test).\n' +
        'It pays `interest`.\n\n- first item\n- second _item_\n',
    );
    expect(doc.title).toBe('Bonds, briefly');
    expect(doc.date).toBe('2024-05-06');
    expect(doc.text).toBe('Ignored heading\n\nA bond is a loan. It pays interest.\n\nfirst item\n\nsecond item');
  });

  it('joins a list item wrapped over two lines into one paragraph, so its sentence is not cut', () => {
    const doc = parseDocument(
      'r.md',
      'markdown',
      '- Start low and raise it: a study\n  found this helped.\n- Next item.\n',
    );
    expect(doc.text).toBe('Start low and raise it: a study found this helped.\n\nNext item.');
  });

  it('takes the first heading as the Markdown title, else the file name; no date when none is stated', () => {
    expect(parseDocument('a.md', 'markdown', 'Intro.\n\n# Asset classes\n\nText.').title).toBe('Asset classes');
    const untitled = parseDocument('docs/asset-classes.md', 'markdown', 'Just text.');
    expect(untitled.title).toBe('asset classes');
    expect(untitled).not.toHaveProperty('date');
  });

  it('reads HTML: title and date from the head, script and style dropped, entities decoded', () => {
    const doc = parseDocument(
      'page.html',
      'html',
      '<html><head><title>Index funds &amp; fees</title><meta name="date" content="2023-01-31T10:00:00Z">' +
        '<style>p{color:red}</style></head><body><h1>Heading</h1><p>Fees&nbsp;compound. <b>Low</b> costs win.</p>' +
        '<script>alert(1)</script><ul><li>One &#8212; two</li></ul></body></html>',
    );
    expect(doc.title).toBe('Index funds & fees');
    expect(doc.date).toBe('2023-01-31');
    expect(doc.text).toBe('Heading\n\nFees compound. Low costs win.\n\nOne — two');
  });

  it('takes a short first paragraph line of plain text as its title and ignores a date that is not real', () => {
    const doc = parseDocument('n.txt', 'text', 'Sequence risk\n\nLosses early in retirement\nhurt more.\n');
    expect(doc.title).toBe('Sequence risk');
    expect(doc.text).toBe('Sequence risk\n\nLosses early in retirement hurt more.');
    expect(parseDocument('d.md', 'markdown', '---\ndate: 2023-02-30\n---\nText.')).not.toHaveProperty('date');
  });

  it('hashes the normalised content: other line endings and spacing give the same hash, other words another', () => {
    const a = parseDocument('x.md', 'markdown', '# T\n\nOne  two.\n');
    const b = parseDocument('x.md', 'markdown', '# T\r\n\r\nOne two.   \r\n');
    const c = parseDocument('x.md', 'markdown', '# T\n\nOne three.\n');
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.contentHash).toBe(a.contentHash);
    expect(c.contentHash).not.toBe(a.contentHash);
  });

  it('refuses an empty document and one over the size limit, naming the source', () => {
    expect(() => parseDocument('empty.md', 'markdown', '---\ntitle: x\n---\n\n  \n')).toThrow(
      /empty\.md: has no text to index/,
    );
    expect(() => parseDocument('big.txt', 'text', 'a'.repeat(MAX_DOCUMENT_CHARS + 1))).toThrow(InvalidInputError);
  });

  it('knows formats by extension', () => {
    expect([formatOfPath('a.MD'), formatOfPath('b.htm'), formatOfPath('c.txt'), formatOfPath('d.pdf')]).toEqual([
      'markdown',
      'html',
      'text',
      undefined,
    ]);
  });
});

describe('splitPassages', () => {
  // 30 sentences of 60–90 characters in three paragraphs: several passages, each boundary overlapping.
  const paragraphs = [0, 1, 2].map((p) =>
    Array.from(
      { length: 10 },
      (_, i) => `Sentence ${p * 10 + i} says something about diversification${' and risk'.repeat(i % 4)}.`,
    ).join(' '),
  );
  const text = paragraphs.join('\n\n');
  const passages = splitPassages(text);
  const spans = sentences(text);

  it('finds each sentence once, paragraph breaks ending sentences', () => {
    expect(spans).toHaveLength(30);
    expect(text.slice(spans[10]!.start, spans[10]!.end)).toBe('Sentence 10 says something about diversification.');
  });

  it('cuts passages of whole sentences whose text is the slice their offsets name', () => {
    expect(passages.length).toBeGreaterThan(2);
    const starts = new Set(spans.map((s) => s.start));
    const ends = new Set(spans.map((s) => s.end));
    for (const passage of passages) {
      expect(passage.text).toBe(text.slice(passage.start, passage.end));
      expect(starts.has(passage.start)).toBe(true);
      expect(ends.has(passage.end)).toBe(true);
      expect(passage.end - passage.start).toBeLessThanOrEqual(TARGET_CHARS);
    }
    expect(passages[0]!.start).toBe(0);
    expect(passages.at(-1)!.end).toBe(text.length);
  });

  it('overlaps consecutive passages by whole sentences of at most the overlap allowance', () => {
    for (let i = 1; i < passages.length; i++) {
      const overlap = passages[i - 1]!.end - passages[i]!.start;
      expect(overlap).toBeGreaterThan(0);
      expect(overlap).toBeLessThanOrEqual(OVERLAP_CHARS);
    }
  });

  it('keeps a sentence longer than the target whole, as a passage of its own', () => {
    const long = `Every${' word'.repeat(300)}.`;
    const split = splitPassages(`Short one. ${long} Short two.`);
    expect(split.map((p) => p.text)).toContain(long);
  });
});
