/**
 * Reference classifications: widely held funds and stocks whose asset class, region and sector
 * weights come from their benchmarks and published sources (data/reference-instruments.json,
 * with SOURCES.md beside it). The tagger answers from here before it asks any model.
 */
import * as z from 'zod';
import { formatPath } from '#events/errors.ts';
import { Classification } from '#events/values.ts';
// A JSON import rather than fs + import.meta.url, so a Lambda bundle carries the data inline.
import referenceFile from './data/reference-instruments.json' with { type: 'json' };

/** One stored record: a Classification without `source`, which is always 'reference' here. */
export const ReferenceRecord = Classification.omit({ source: true }).strict();
export type ReferenceRecord = z.infer<typeof ReferenceRecord>;

const ReferenceFile = z.object({
  _readme: z.string(),
  instruments: z.array(ReferenceRecord).min(1),
});

let bySymbol: ReadonlyMap<string, ReferenceRecord> | undefined;

function load(): ReadonlyMap<string, ReferenceRecord> {
  if (bySymbol) return bySymbol;
  const parsed = ReferenceFile.safeParse(referenceFile);
  if (!parsed.success) {
    // A broken data file is a release defect, not bad input: fail loudly and say where.
    const issues = parsed.error.issues.map(
      (issue) => `reference-instruments.json${formatPath(issue.path)}: ${issue.message}`,
    );
    throw new Error(`services/tagger/data/reference-instruments.json is invalid: ${issues.join('; ')}`);
  }
  const map = new Map<string, ReferenceRecord>();
  for (const record of parsed.data.instruments) {
    if (map.has(record.symbol))
      throw new Error(`services/tagger/data/reference-instruments.json lists ${record.symbol} twice`);
    map.set(record.symbol, record);
  }
  bySymbol = map;
  return map;
}

/**
 * The reference classification of a symbol, or undefined when it is not in reference data.
 * Class-share separators vary between data sources (BRK.B, BRK-B), so either form matches;
 * the answer carries the symbol as the caller wrote it, so it joins back to the caller's rows.
 */
export function referenceClassification(symbol: string): Classification | undefined {
  const wanted = symbol.trim().toUpperCase();
  const records = load();
  const record = records.get(wanted) ?? records.get(wanted.replace('-', '.')) ?? records.get(wanted.replace('.', '-'));
  if (!record) return undefined;
  // A fresh copy each time: callers may adjust what they get without corrupting the cache.
  return { ...structuredClone(record), symbol: wanted, source: 'reference' };
}

/** Every symbol with reference data, sorted. */
export function referenceSymbols(): string[] {
  return [...load().keys()].sort();
}
