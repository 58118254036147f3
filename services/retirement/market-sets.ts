/**
 * The named assumption sets every part of Alex reads: the historical record (computed from the
 * 1928–2024 returns), a conservative forward-looking set (published 2025 forecasts, see
 * docs/assumptions.md), and the household's own statement on top of the forward set. The
 * projection runs under each; the report quotes the same numbers, so narrative and engine agree.
 */
import * as z from 'zod';
import { ASSET_CLASSES, type AssetClass, type MarketAssumptionOverrides } from '#events/values.ts';
import { type CapitalMarketAssumptions, defaultCapitalMarketAssumptions, withOverrides } from './assumptions.ts';
import forwardFile from './data/forward-assumptions.json' with { type: 'json' };

export type AssumptionSetId = 'historical' | 'forward' | 'stated';

export interface AssumptionSet {
  id: AssumptionSetId;
  label: string;
  market: CapitalMarketAssumptions;
}

const ForwardFile = z.object({
  id: z.literal('forward'),
  label: z.string(),
  asOf: z.string(),
  expectedReturn: z.object(
    Object.fromEntries(ASSET_CLASSES.map((c) => [c, z.number().gt(-1).max(1)])) as Record<AssetClass, z.ZodNumber>,
  ),
  inflation: z.number().gt(-1).max(1),
  sources: z.record(z.string(), z.string()),
});

let forward: AssumptionSet | undefined;

/** The conservative forward-looking set: published returns and inflation, historical risk. */
export function forwardAssumptions(): AssumptionSet {
  if (forward) return forward;
  const parsed = ForwardFile.safeParse(forwardFile);
  // A broken data file is a release defect, not bad input.
  if (!parsed.success) throw new Error(`services/retirement/data/forward-assumptions.json: ${parsed.error.message}`);
  const historical = defaultCapitalMarketAssumptions();
  const assets = Object.fromEntries(
    ASSET_CLASSES.map((c) => [
      c,
      { expectedReturn: parsed.data.expectedReturn[c], volatility: historical.assets[c].volatility },
    ]),
  ) as CapitalMarketAssumptions['assets'];
  forward = {
    id: 'forward',
    label: parsed.data.label,
    market: {
      assets,
      correlation: historical.correlation,
      inflation: parsed.data.inflation,
      source: `${parsed.data.label}, as of ${parsed.data.asOf}: ${Object.entries(parsed.data.sources)
        .map(([what, source]) => `${what}: ${source}`)
        .join('; ')}`,
    },
  };
  return forward;
}

export function historicalAssumptions(): AssumptionSet {
  return { id: 'historical', label: 'Historical record (US 1928–2024)', market: defaultCapitalMarketAssumptions() };
}

/**
 * The sets a projection runs under, the one the headline leads with last: historical, forward,
 * and — when the household states its own figures — those, applied over the forward set.
 */
export function assumptionSets(stated: MarketAssumptionOverrides | undefined): AssumptionSet[] {
  const sets = [historicalAssumptions(), forwardAssumptions()];
  if (stated && Object.keys(stated).length > 0) {
    sets.push({
      id: 'stated',
      label: 'Your stated assumptions',
      market: withOverrides(forwardAssumptions().market, stated),
    });
  }
  return sets;
}
