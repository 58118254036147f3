/**
 * A portfolio at the file's limits (services/common/portfolio-file.ts): 50 accounts, 2,000
 * positions, every symbol distinct and none in the reference data, so the tagger classifies
 * all 2,000. Names are at their longest (200 characters) so every event carrying them is as
 * large as a valid file allows. Shared by the claim-check tests and the large-portfolio benchmark.
 */
import { Snapshot } from '#events/values.ts';

export const LARGE_ACCOUNTS = 50;
export const LARGE_POSITIONS = 2000;

export function largePortfolio(): Record<string, unknown> {
  const accounts = Array.from({ length: LARGE_ACCOUNTS }, (_, index) => ({
    id: `acct-${String(index).padStart(2, '0')}`,
    name: `Account ${index} ${'x'.repeat(100)}`,
    type: index % 2 === 0 ? 'taxable' : 'roth_ira',
    cash: 1000 + index,
  }));
  const positions = Array.from({ length: LARGE_POSITIONS }, (_, index) => ({
    account: accounts[index % LARGE_ACCOUNTS]!.id,
    // ZQ + four letters: not a ticker the reference data knows, and distinct for each position.
    symbol: `ZQ${lettersOf(index)}`,
    name: `Unlisted holding number ${index} `.padEnd(200, 'y'),
    quantity: 10 + (index % 97),
    price: 5 + (index % 311) / 10,
  }));
  return {
    user: { id: 'large-household', name: 'Large Household', birthYear: 1975 },
    goals: {
      retirementAge: 65,
      lifeExpectancy: 95,
      annualContribution: 20000,
      annualSpending: 90000,
      otherIncome: 20000,
    },
    accounts,
    positions,
  };
}

function lettersOf(index: number): string {
  let text = '';
  let rest = index;
  for (let digit = 0; digit < 4; digit++) {
    text = String.fromCharCode(65 + (rest % 26)) + text;
    rest = Math.floor(rest / 26);
  }
  return text;
}

/**
 * The snapshot the planner makes of largePortfolio() when nothing could be classified: every
 * position priced from the file, every instrument unclassified. About 1 MB of JSON, so it travels
 * by reference; for tests of the specialists without the planner.
 */
export function largeSnapshot(asOf = new Date().toISOString()): Snapshot {
  const portfolio = largePortfolio() as unknown as LargePortfolio;
  return Snapshot.parse({
    userId: portfolio.user.id,
    asOf,
    currency: 'USD',
    owner: { name: portfolio.user.name, birthYear: portfolio.user.birthYear },
    goals: portfolio.goals,
    accounts: portfolio.accounts.map(({ id, name, type, cash }) => ({ id, name, type, cash })),
    positions: portfolio.positions.map((p) => ({
      accountId: p.account,
      symbol: p.symbol,
      quantity: p.quantity,
      price: p.price,
      priceSource: 'portfolio',
      value: p.quantity * p.price,
    })),
    instruments: portfolio.positions.map((p) => ({
      symbol: p.symbol,
      name: p.name,
      instrumentType: 'other',
      assetClass: {},
      regions: {},
      sectors: {},
      source: 'unclassified',
      rationale: 'No classification was found for this symbol.',
      sources: [],
    })),
  });
}

interface LargePortfolio {
  user: { id: string; name: string; birthYear: number };
  goals: Record<string, number>;
  accounts: Array<{ id: string; name: string; type: string; cash: number }>;
  positions: Array<{ account: string; symbol: string; name: string; quantity: number; price: number }>;
}
