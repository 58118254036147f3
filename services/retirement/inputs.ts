/**
 * What the projection starts from: the balance and its look-through asset-class mix, the share
 * nobody could classify (kept apart, never silently counted as equity), the single stocks with
 * their own volatility, and the yearly fund costs. Pure arithmetic on the snapshot.
 */
import type { AssetClass, Snapshot } from '#events/values.ts';
import { feeSummary } from '../common/fund-facts.ts';
import { allocationBy, classificationsBySymbol, holdings, UNCLASSIFIED } from '../common/holdings.ts';
import { stockVolatilityOf } from '../common/stock-facts.ts';
import { defaultCapitalMarketAssumptions, type SingleStock } from './assumptions.ts';
import type { AssetFractions } from './engine.ts';

/** How a share nobody could classify is simulated: as bonds, or as stocks. */
export type UnclassifiedReading = 'fixed_income' | 'equity';

export interface PortfolioAllocation {
  startingBalance: number;
  /** Fractions of startingBalance by asset class, the unclassified share left out. */
  fractions: AssetFractions;
  /** Fraction of startingBalance nobody could classify (0..1). */
  unclassifiedFraction: number;
  /** Symbols with value but no asset-class classification. */
  unclassified: string[];
  /** Symbols held without a price: valued at 0, never guessed. */
  unpriced: string[];
  /** Individual companies held, each a fraction of startingBalance. */
  singleStocks: SingleStock[];
  /** Yearly fund costs as a fraction of the balance. */
  annualFee: number;
  annualFeeCost: number;
  unknownFeeSymbols: string[];
}

/** Starting balance and look-through mix: each position split by its instrument's weights, cash as cash. */
export function portfolioAllocation(snapshot: Snapshot): PortfolioAllocation {
  const fractions: AssetFractions = {};
  let startingBalance = 0;
  let unclassifiedValue = 0;
  for (const slice of allocationBy(snapshot, 'assetClass')) {
    startingBalance += slice.value;
    if (slice.key === UNCLASSIFIED) unclassifiedValue += slice.value;
    else fractions[slice.key as AssetClass] = (fractions[slice.key as AssetClass] ?? 0) + slice.value;
  }
  if (startingBalance > 0)
    for (const key of Object.keys(fractions) as AssetClass[]) fractions[key] = fractions[key]! / startingBalance;
  const unclassified = holdings(snapshot).filter((h) => h.value > 0 && !hasWeights(h.classification?.assetClass));
  const fees = feeSummary(snapshot);
  return {
    startingBalance,
    fractions,
    unclassifiedFraction: startingBalance > 0 ? unclassifiedValue / startingBalance : 0,
    unclassified: [...new Set(unclassified.map((h) => h.symbol))].sort(),
    unpriced: [...new Set(snapshot.positions.filter((p) => p.price === null).map((p) => p.symbol))].sort(),
    singleStocks: singleStocksOf(snapshot, startingBalance),
    annualFee: startingBalance > 0 ? fees.annualCost / startingBalance : 0,
    annualFeeCost: fees.annualCost,
    unknownFeeSymbols: fees.unknownSymbols,
  };
}

/** The mix to simulate when the unclassified share is read as `reading`; sums to 1. */
export function fractionsUnder(allocation: PortfolioAllocation, reading: UnclassifiedReading): AssetFractions {
  const fractions = { ...allocation.fractions };
  if (allocation.unclassifiedFraction > 0)
    fractions[reading] = (fractions[reading] ?? 0) + allocation.unclassifiedFraction;
  return fractions;
}

function singleStocksOf(snapshot: Snapshot, startingBalance: number): SingleStock[] {
  if (startingBalance <= 0) return [];
  const bySymbol = classificationsBySymbol(snapshot);
  const values = new Map<string, number>();
  for (const position of snapshot.positions) {
    const classification = bySymbol.get(position.symbol);
    if (!classification || classification.source === 'unclassified' || classification.instrumentType !== 'stock')
      continue;
    values.set(position.symbol, (values.get(position.symbol) ?? 0) + position.value);
  }
  return [...values.entries()]
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([symbol, value]) => ({ symbol, fraction: value / startingBalance, ...volatilityOf(symbol) }));
}

/**
 * The company's own volatility from reference data, else the stated default. A calm decade can put
 * a company below the whole market (KO: 7.2% over 2016–2025); one company is never simulated as
 * steadier than the diversified market (S&P 500, 1928–2024), so its own figure is floored there.
 */
function volatilityOf(symbol: string): Pick<SingleStock, 'volatility' | 'ownVolatility' | 'volatilityBasis'> {
  const own = stockVolatilityOf(symbol);
  if (own.basis === undefined) return { volatility: own.volatility };
  const market = defaultCapitalMarketAssumptions().assets.equity.volatility;
  return { volatility: Math.max(own.volatility, market), ownVolatility: own.volatility, volatilityBasis: own.basis };
}

function hasWeights(weights: Record<string, number | undefined> | undefined): boolean {
  return Object.values(weights ?? {}).some((weight) => (weight ?? 0) > 0);
}
