/**
 * Recomputes each company's volatility in services/tagger/data/stock-facts.json from the yearly
 * returns transcribed there: the sample standard deviation (n − 1) of the calendar-year log returns
 * ln(1 + r) in the file's window, as a fraction rounded to 4 decimals. Log returns, the usual
 * measure of volatility, keep one extreme year from ruling a ten-year sample (TSLA's +743% in 2020
 * is ln 8.43 = 2.13, not 7.43). Deliberately self-contained (no
 * import from the program) so the figure is checked by arithmetic, not by the code that uses it.
 *   npx tsx scripts/data/stock-volatility.ts          rewrite the volatilities
 *   npx tsx scripts/data/stock-volatility.ts --check  exit 1 if any stored figure differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FILE = fileURLToPath(new URL('../../services/tagger/data/stock-facts.json', import.meta.url));

interface StockEntry {
  yearlyReturnsPercent: Record<string, number>;
  volatility: number;
}
interface StockFactsDoc {
  window: { from: number; to: number };
  stocks: Record<string, StockEntry>;
}

export function sampleStandardDeviation(values: readonly number[]): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** Every year of the window must be present: a gap would silently shorten the sample. */
function windowReturns(symbol: string, entry: StockEntry, from: number, to: number): number[] {
  const years = Object.keys(entry.yearlyReturnsPercent).map(Number);
  const outside = years.filter((y) => y < from || y > to);
  if (outside.length > 0) throw new Error(`${symbol}: years ${outside.join(', ')} fall outside ${from}–${to}`);
  const first = Math.min(...years);
  const values: number[] = [];
  // A company listed after `from` starts later; from its first year on, no year may be missing.
  for (let year = first; year <= to; year++) {
    const value = entry.yearlyReturnsPercent[String(year)];
    if (value === undefined) throw new Error(`${symbol}: no return for ${year}`);
    values.push(value);
  }
  if (values.length < 5) throw new Error(`${symbol}: ${values.length} years is too few for a volatility`);
  return values;
}

function main(): void {
  const doc = JSON.parse(readFileSync(FILE, 'utf8')) as StockFactsDoc;
  const check = process.argv.includes('--check');
  const drift: string[] = [];
  for (const [symbol, entry] of Object.entries(doc.stocks)) {
    const returns = windowReturns(symbol, entry, doc.window.from, doc.window.to);
    const volatility = Math.round(sampleStandardDeviation(returns.map((r) => Math.log1p(r / 100))) * 10_000) / 10_000;
    if (entry.volatility !== volatility) drift.push(`${symbol}: stored ${entry.volatility}, computed ${volatility}`);
    entry.volatility = volatility;
    console.log(`${symbol.padEnd(6)} ${(volatility * 100).toFixed(1)}%  (${returns.length} years)`);
  }
  if (check) {
    if (drift.length > 0) {
      console.error(`stock-facts.json is out of date; run without --check:\n${drift.join('\n')}`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(FILE, `${JSON.stringify(doc, null, 1)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
