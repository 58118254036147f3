/**
 * Splits a document's normalised text (documents.ts) into passages of whole sentences: each
 * holds sentences up to about TARGET_CHARS, and the next starts with the last sentences of the
 * one before that fit in OVERLAP_CHARS, so a fact on a boundary is whole in one passage. A
 * passage never starts or ends inside a sentence; a single sentence longer than the target is a
 * passage on its own. Offsets are into the normalised text: `text.slice(start, end)`.
 */

export const TARGET_CHARS = 900;
export const OVERLAP_CHARS = 250;
/** The most passages one document may make (about 800 KB of text), so one add stays bounded. */
export const MAX_PASSAGES = 2_000;

export interface Passage {
  ordinal: number;
  start: number;
  end: number;
  text: string;
}

interface Span {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** The sentences of `text`, as trimmed spans; a paragraph break always ends a sentence. */
export function sentences(text: string): Span[] {
  const spans: Span[] = [];
  const paragraph = /[^\n]+/g;
  for (let p = paragraph.exec(text); p; p = paragraph.exec(text)) {
    for (const { segment, index } of segmenter.segment(p[0])) {
      const lead = segment.length - segment.trimStart().length;
      const trimmed = segment.trim();
      if (trimmed === '') continue;
      const start = p.index + index + lead;
      spans.push({ start, end: start + trimmed.length });
    }
  }
  return spans;
}

export function splitPassages(text: string): Passage[] {
  const spans = sentences(text);
  const passages: Passage[] = [];
  let first = 0;
  while (first < spans.length) {
    const start = spans[first]!.start;
    let last = first;
    while (last + 1 < spans.length && spans[last + 1]!.end - start <= TARGET_CHARS) last++;
    const end = spans[last]!.end;
    passages.push({ ordinal: passages.length, start, end, text: text.slice(start, end) });
    if (last + 1 >= spans.length) break;
    // The next passage begins at the earliest sentence after `first` whose start leaves at most
    // OVERLAP_CHARS to repeat; the sentence after `last` always qualifies, so this advances.
    let next = last + 1;
    while (next - 1 > first && end - spans[next - 1]!.start <= OVERLAP_CHARS) next--;
    first = next;
  }
  return passages;
}
