import { describe, expect, it } from 'vitest';
import { DEFAULT_SINGLE_STOCK_VOLATILITY, stockFacts, stockVolatilityOf } from '#services/common/stock-facts.ts';

/** Sample standard deviation (n − 1) of the log returns ln(1 + p/100): the plain loop, written out. */
function byHand(percents: readonly number[]): number {
  const logs = percents.map((p) => Math.log(1 + p / 100));
  let sum = 0;
  for (const l of logs) sum += l;
  const mean = sum / logs.length;
  let squares = 0;
  for (const l of logs) squares += (l - mean) * (l - mean);
  return Math.sqrt(squares / (logs.length - 1));
}

describe('per-company volatility from reference data', () => {
  it('Apple: the sample deviation of its 2016–2025 yearly log returns, 29.1% (page: chartrow.com/quote/aapl/returns)', () => {
    // Typed from the page's Total return column, 2016 → 2025 (simple returns: deviation 36.6%, mean 32.4%).
    const apple = [12.5, 48.5, -5.4, 88.9, 82.3, 34.6, -26.4, 49.0, 30.7, 9.1];
    expect(byHand(apple)).toBeCloseTo(0.2914, 4); // also Python: statistics.stdev of math.log1p(r/100): 0.29143
    expect(stockVolatilityOf('AAPL')).toEqual({
      volatility: 0.2914,
      basis: 'calendar-year total returns 2016–2025, chartrow.com',
    });
  });

  it('Coca-Cola: a steady company, 7.2% over the same window (page: chartrow.com/quote/ko/returns)', () => {
    const cocaCola = [-0.4, 14.4, 6.7, 20.6, 2.4, 11.3, 10.6, -4.5, 8.8, 15.6];
    expect(byHand(cocaCola)).toBeCloseTo(0.0717, 4); // Python: 0.07167
    expect(stockVolatilityOf('KO').volatility).toBe(0.0717);
  });

  it('every stored volatility is the deviation of the logs of its own stored returns, over every year of one window', () => {
    const facts = stockFacts();
    // One extreme year no longer rules the sample: TSLA's +743.4% in 2020 is ln 8.434 = 2.13.
    expect(facts.stocks.TSLA!.volatility).toBeLessThan(1);
    expect(facts.window).toEqual({ from: 2016, to: 2025 });
    for (const [symbol, stock] of Object.entries(facts.stocks)) {
      expect(Object.keys(stock.yearlyReturnsPercent), symbol).toEqual([
        '2016',
        '2017',
        '2018',
        '2019',
        '2020',
        '2021',
        '2022',
        '2023',
        '2024',
        '2025',
      ]);
      expect(stock.volatility, symbol).toBeCloseTo(byHand(Object.values(stock.yearlyReturnsPercent)), 4);
    }
  });

  it('says when the figures are not plain total returns', () => {
    expect(stockVolatilityOf('PEP').basis).toBe('calendar-year price returns 2016–2025, chartrow.com');
  });

  it('a company with no reference data gets the stated default, 35%, and no source', () => {
    expect(DEFAULT_SINGLE_STOCK_VOLATILITY).toBe(0.35);
    expect(stockVolatilityOf('NWND')).toEqual({ volatility: 0.35 });
  });
});
