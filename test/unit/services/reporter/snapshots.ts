/**
 * Small snapshots for the reporter tests, with round numbers so that every fact can be checked
 * by hand.
 */
import type { z } from 'zod';
import { Snapshot } from '#events/values.ts';

type SnapshotInput = z.input<typeof Snapshot>;
type InstrumentInput = SnapshotInput['instruments'][number];

export interface HoldingSpec {
  symbol: string;
  value: number;
  accountId?: string;
  type?: InstrumentInput['instrumentType'];
  assetClass?: InstrumentInput['assetClass'];
  regions?: InstrumentInput['regions'];
  /** No classification at all. */
  unclassified?: boolean;
  /** No price: value 0, priceSource missing. */
  unpriced?: boolean;
  name?: string;
}

export interface PortfolioSpec {
  holdings: HoldingSpec[];
  accounts?: SnapshotInput['accounts'];
  goals?: Partial<SnapshotInput['goals']>;
  birthYear?: number;
}

export function portfolio(spec: PortfolioSpec): Snapshot {
  const accounts = spec.accounts ?? [{ id: 'k401', name: 'Work 401(k)', type: '401k', cash: 0 }];
  const input: SnapshotInput = {
    userId: 'household-42',
    asOf: '2026-11-21T09:30:00.000Z',
    currency: 'USD',
    owner: { name: 'Sam Rivera', birthYear: spec.birthYear ?? 1980 },
    goals: {
      retirementAge: 65,
      annualSpending: 60_000,
      otherIncome: 20_000,
      annualContribution: 12_000,
      ...spec.goals,
    },
    accounts,
    positions: spec.holdings.map((h) => ({
      accountId: h.accountId ?? accounts[0]!.id,
      symbol: h.symbol,
      quantity: 100,
      price: h.unpriced ? null : h.value / 100,
      priceSource: h.unpriced ? 'missing' : 'portfolio',
      value: h.unpriced ? 0 : h.value,
    })),
    instruments: spec.holdings
      .filter((h) => !h.unclassified)
      .map((h) => ({
        symbol: h.symbol,
        name: h.name ?? `${h.symbol} fund`,
        instrumentType: h.type ?? 'etf',
        assetClass: h.assetClass ?? { equity: 100 },
        regions: h.regions ?? { north_america: 100 },
        sectors: {},
        source: 'reference',
        rationale: 'test fixture',
      })),
  };
  return Snapshot.parse(input);
}

/**
 * Three holdings and cash, $100,000 in all:
 *   401(k): VTI $55,000 (US equity fund), BND $20,000 (bond fund), cash $8,000
 *   taxable: AAPL $15,000 (stock), cash $2,000
 * Owner born 1980, so 46 at the 2026 snapshot; retires at 65 (2045, 19 years);
 * spends $60,000 a year with $20,000 of other income; target 60/35/5.
 */
export function threeHoldings(): Snapshot {
  return portfolio({
    accounts: [
      { id: 'k401', name: 'Work 401(k)', type: '401k', cash: 8_000 },
      { id: 'brokerage', name: 'Joint brokerage', type: 'taxable', cash: 2_000 },
    ],
    goals: { targetAllocation: { equity: 60, fixed_income: 35, cash: 5 } },
    holdings: [
      { symbol: 'VTI', value: 55_000, name: 'Vanguard Total Stock Market ETF' },
      { symbol: 'BND', value: 20_000, name: 'Vanguard Total Bond Market ETF', assetClass: { fixed_income: 100 } },
      { symbol: 'AAPL', value: 15_000, accountId: 'brokerage', type: 'stock', name: 'Apple Inc.' },
    ],
  });
}
