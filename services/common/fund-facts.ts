/**
 * Fund costs and look-through from reference data (services/tagger/data/fund-facts.json, sources
 * and dates in FUND-FACTS.md beside it): each fund's expense ratio and tracked index, the top
 * holdings of the indexes, and a low-cost fund per asset class and region. A fund whose cost is
 * unknown is charged a stated default, never assumed free.
 */
import * as z from 'zod';
import type { Classification, Snapshot } from '#events/values.ts';
import factsFile from '../tagger/data/fund-facts.json' with { type: 'json' };
import { classificationsBySymbol, totalValue } from './holdings.ts';

const FundFactsFile = z.object({
  asOf: z.string(),
  expenseRatioSource: z.string(),
  unknownFundExpenseRatioPercent: z.number().min(0).max(5),
  unknownFundExpenseRatioBasis: z.string(),
  funds: z.record(
    z.string(),
    z.object({
      expenseRatioPercent: z.number().min(0).max(5),
      index: z.string().optional(),
      /** Share class when it carries a sales charge ("A": a front-end load on purchases). */
      shareClass: z.string().optional(),
      /** Largest front-end sales charge on purchases, percent of the offering price. */
      maxFrontLoadPercent: z.number().min(0).max(10).optional(),
      /** A low-cost fund of the same style, when closer than the asset class's default alternative. */
      likeForLike: z.string().optional(),
    }),
  ),
  indexes: z.record(
    z.string(),
    z.object({ asOf: z.string(), source: z.string(), topHoldingsPercent: z.record(z.string(), z.number()) }),
  ),
  cheaperAlternatives: z.record(z.string(), z.string()),
});
export type FundFacts = z.infer<typeof FundFactsFile>;

let loaded: FundFacts | undefined;
export function fundFacts(): FundFacts {
  if (loaded) return loaded;
  const parsed = FundFactsFile.safeParse(factsFile);
  // A broken data file is a release defect, not bad input.
  if (!parsed.success) throw new Error(`services/tagger/data/fund-facts.json: ${parsed.error.message}`);
  loaded = parsed.data;
  return loaded;
}

/** Instruments that charge a yearly fee: funds, and anything nobody could classify. */
const FEE_BEARING = new Set(['etf', 'mutual_fund', 'other']);

export interface HoldingCost {
  symbol: string;
  accountId: string;
  value: number;
  /** Yearly expense ratio, percent (0.03 = 0.03%). */
  expenseRatioPercent: number;
  /** False when the fund is not in reference data and the stated default was charged. */
  known: boolean;
}

export interface FeeSummary {
  holdings: HoldingCost[];
  /** Yearly cost as a percent of the whole portfolio (cash and stocks cost nothing). */
  weightedExpenseRatioPercent: number;
  annualCost: number;
  /** Fee-bearing symbols whose cost is not in reference data, charged the default. */
  unknownSymbols: string[];
}

export function expenseRatioOf(
  symbol: string,
  classification: Classification | undefined,
): { percent: number; known: boolean } {
  const facts = fundFacts();
  const listed = facts.funds[symbol];
  if (listed) return { percent: listed.expenseRatioPercent, known: true };
  const type = classification && classification.source !== 'unclassified' ? classification.instrumentType : 'other';
  if (!FEE_BEARING.has(type)) return { percent: 0, known: true };
  return { percent: facts.unknownFundExpenseRatioPercent, known: false };
}

export function feeSummary(snapshot: Snapshot): FeeSummary {
  const bySymbol = classificationsBySymbol(snapshot);
  const holdings = snapshot.positions
    .filter((p) => p.value > 0)
    .map((p) => {
      const { percent, known } = expenseRatioOf(p.symbol, bySymbol.get(p.symbol));
      return { symbol: p.symbol, accountId: p.accountId, value: p.value, expenseRatioPercent: percent, known };
    });
  const annualCost = holdings.reduce((sum, h) => sum + (h.value * h.expenseRatioPercent) / 100, 0);
  const total = totalValue(snapshot);
  return {
    holdings,
    weightedExpenseRatioPercent: total > 0 ? (annualCost / total) * 100 : 0,
    annualCost,
    unknownSymbols: [...new Set(holdings.filter((h) => !h.known).map((h) => h.symbol))].sort(),
  };
}

/** The index a fund tracks, when reference data names it. */
export function trackedIndex(symbol: string): string | undefined {
  return fundFacts().funds[symbol]?.index;
}

/** The share class and its largest front-end load, when reference data records one. */
export function salesChargeOf(symbol: string): { shareClass: string; maxFrontLoadPercent: number } | undefined {
  const fund = fundFacts().funds[symbol];
  if (fund?.shareClass === undefined || fund.maxFrontLoadPercent === undefined) return undefined;
  return { shareClass: fund.shareClass, maxFrontLoadPercent: fund.maxFrontLoadPercent };
}

/** The fund's own like-for-like low-cost fund, when reference data names one. */
export function likeForLikeOf(symbol: string): string | undefined {
  return fundFacts().funds[symbol]?.likeForLike;
}

/** A low-cost fund for an asset class and region (`equity.north_america`, `fixed_income`, …). */
export function cheaperAlternative(assetClass: string, region?: string): string | undefined {
  const table = fundFacts().cheaperAlternatives;
  return (region ? table[`${assetClass}.${region}`] : undefined) ?? table[assetClass];
}
