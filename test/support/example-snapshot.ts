/**
 * A snapshot of a portfolio file in examples/, classified the way the offline runtime does it:
 * reference data first, then the offline classifier on the name, else unclassified. Lets unit
 * tests run the stress portfolios through the real domain code without the bus.
 */
import { readFileSync } from 'node:fs';
import { type Classification, Snapshot } from '#events/values.ts';
import { parsePortfolioFile } from '#services/common/portfolio-file.ts';
import { offlineClassification } from '#services/tagger/offline-classifier.ts';
import { referenceClassification } from '#services/tagger/reference.ts';

export function exampleSnapshot(file: string, asOf = '2026-11-21T09:30:00.000Z'): Snapshot {
  const portfolio = parsePortfolioFile(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8'), file);
  const instruments: Classification[] = [];
  for (const position of portfolio.positions) {
    if (instruments.some((i) => i.symbol === position.symbol)) continue;
    const name = position.name ?? position.symbol;
    const reference = referenceClassification(position.symbol);
    const guess = reference ? undefined : offlineClassification({ symbol: position.symbol, name });
    instruments.push(
      reference ??
        (guess
          ? { symbol: position.symbol, name, ...guess, source: 'model', sources: [] }
          : {
              symbol: position.symbol,
              name,
              instrumentType: 'other',
              assetClass: {},
              regions: {},
              sectors: {},
              source: 'unclassified',
              rationale: 'nothing in the name supports a classification',
              sources: [],
            }),
    );
  }
  return Snapshot.parse({
    userId: portfolio.user.id,
    asOf,
    currency: 'USD',
    owner: { name: portfolio.user.name, birthYear: portfolio.user.birthYear },
    goals: portfolio.goals,
    accounts: portfolio.accounts.map((a) => ({ id: a.id, name: a.name, type: a.type, cash: a.cash })),
    positions: portfolio.positions.map((p) => ({
      accountId: p.account,
      symbol: p.symbol,
      quantity: p.quantity,
      price: p.price ?? null,
      priceSource: p.price === undefined ? 'missing' : 'portfolio',
      value: p.price === undefined ? 0 : p.quantity * p.price,
    })),
    instruments,
  });
}
