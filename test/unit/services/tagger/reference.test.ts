import { describe, expect, it } from 'vitest';
import { ALLOCATION_TOLERANCE, Classification } from '#events/values.ts';
import referenceFile from '#services/tagger/data/reference-instruments.json' with { type: 'json' };
import { ReferenceRecord, referenceClassification, referenceSymbols } from '#services/tagger/reference.ts';

function total(weights: Record<string, number | undefined>): number {
  return Object.values(weights).reduce<number>((sum, weight) => sum + (weight ?? 0), 0);
}

describe('reference data file', () => {
  const records = referenceFile.instruments as unknown[];

  it('holds at least 60 distinct instruments', () => {
    expect(records.length).toBeGreaterThanOrEqual(60);
    expect(new Set(referenceSymbols()).size).toBe(records.length);
  });

  it.each(referenceSymbols())(
    '%s validates as a Classification with three complete allocations and a dated source',
    (symbol) => {
      const raw = records.find((record) => (record as { symbol: string }).symbol === symbol);
      expect(ReferenceRecord.safeParse(raw).error).toBeUndefined();

      const classification = Classification.parse(referenceClassification(symbol));
      expect(classification.source).toBe('reference');
      for (const allocation of [classification.assetClass, classification.regions, classification.sectors]) {
        expect(Object.keys(allocation).length).toBeGreaterThan(0);
        expect(Math.abs(total(allocation) - 100)).toBeLessThanOrEqual(ALLOCATION_TOLERANCE);
      }
      expect(classification.rationale.length).toBeGreaterThan(20);
      expect(classification.sources.length).toBeGreaterThan(0);
    },
  );
});

describe('referenceClassification', () => {
  it('SPY and VTI are 100% US equity, with information technology their largest sector', () => {
    for (const symbol of ['SPY', 'VTI']) {
      const c = referenceClassification(symbol)!;
      expect(c.assetClass).toEqual({ equity: 100 });
      expect(c.regions).toEqual({ north_america: 100 });
      const largest = Object.entries(c.sectors).sort((a, b) => b[1]! - a[1]!)[0]![0];
      expect(largest).toBe('information_technology');
    }
    // The shared data's combined utilities/real estate/materials bucket (7.8) is kept as 'other'.
    expect(referenceClassification('SPY')!.sectors.other).toBe(7.8);
  });

  it('BND is 100% US investment-grade bonds split into government, securitized and corporate', () => {
    const c = referenceClassification('BND')!;
    expect(c.assetClass).toEqual({ fixed_income: 100 });
    expect(c.regions).toEqual({ north_america: 100 });
    expect(Object.keys(c.sectors).sort()).toEqual(['corporate', 'government', 'securitized']);
    expect(c.sectors.government).toBeGreaterThan(c.sectors.corporate!);
  });

  it('VNQ is real estate, GLD is commodities with no region', () => {
    expect(referenceClassification('VNQ')).toMatchObject({
      assetClass: { real_estate: 100 },
      regions: { north_america: 100 },
      sectors: { real_estate: 100 },
    });
    expect(referenceClassification('GLD')).toMatchObject({
      assetClass: { commodities: 100 },
      regions: { other: 100 },
      sectors: { commodity: 100 },
    });
  });

  it('VXUS is equity entirely outside the US except Canada: Europe largest, a quarter emerging', () => {
    const c = referenceClassification('VXUS')!;
    expect(c.assetClass).toEqual({ equity: 100 });
    expect(c.regions).toEqual({ europe: 40, asia_pacific: 27, emerging_markets: 26, north_america: 7 });
  });

  it('a stock is 100% equity, its home region and its GICS sector', () => {
    expect(referenceClassification('AAPL')).toMatchObject({
      instrumentType: 'stock',
      assetClass: { equity: 100 },
      regions: { north_america: 100 },
      sectors: { information_technology: 100 },
    });
    // Visa moved to financials in the 2023 GICS change.
    expect(referenceClassification('V')!.sectors).toEqual({ financials: 100 });
    expect(referenceClassification('TM')!.regions).toEqual({ asia_pacific: 100 });
  });

  it('mutual fund share classes match their ETF siblings', () => {
    expect(referenceClassification('VTSAX')).toMatchObject({
      instrumentType: 'mutual_fund',
      sectors: referenceClassification('VTI')!.sectors,
    });
    expect(referenceClassification('FXAIX')!.sectors).toEqual(referenceClassification('SPY')!.sectors);
    expect(referenceClassification('VBTLX')!.sectors).toEqual(referenceClassification('BND')!.sectors);
  });

  it('balanced funds carry their stock/bond targets', () => {
    expect(referenceClassification('AOR')!.assetClass).toEqual({ equity: 60, fixed_income: 40 });
    expect(referenceClassification('AOK')!.assetClass).toEqual({ equity: 30, fixed_income: 70 });
    // 0.6 × VTI's 26.2% technology.
    expect(referenceClassification('VBIAX')!.sectors.information_technology).toBe(15.7);
  });

  it("matches either class-share separator and answers with the caller's symbol", () => {
    expect(referenceClassification('BRK-B')).toMatchObject({ symbol: 'BRK-B', sectors: { financials: 100 } });
    expect(referenceClassification('BRK.B')!.symbol).toBe('BRK.B');
  });

  it('is undefined for a symbol it does not know', () => {
    expect(referenceClassification('FSKAX')).toBeUndefined();
    expect(referenceSymbols()).not.toContain('ZZZZ');
  });

  it('hands out copies, so a caller cannot corrupt the reference data', () => {
    const first = referenceClassification('VTI')!;
    first.sectors.information_technology = 0;
    expect(referenceClassification('VTI')!.sectors.information_technology).toBe(26.2);
  });
});
