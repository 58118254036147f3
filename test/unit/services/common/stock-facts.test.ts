import { describe, expect, it } from 'vitest';
import { DEFAULT_SINGLE_STOCK_VOLATILITY, stockFacts, stockVolatilityOf } from '#services/common/stock-facts.ts';

/** Sample standard deviation (n − 1) of yearly percents, as a fraction: the plain loop, written out. */
function byHand(percents: readonly number[]): number {
  let sum = 0;
  for (const p of percents) sum += p;
  const mean = sum / percents.length;
  let squares = 0;
  for (const p of percents) squares += (p - mean) * (p - mean);
  return Math.sqrt(squares / (percents.length - 1)) / 100;
}

describe('per-company volatility from reference data', () => {
  it('Apple: the sample deviation of its 2016–2025 total returns, 36.6% (page: chartrow.com/quote/aapl/returns)', () => {
    // Typed from the page's Total return column, 2016 → 2025; mean 32.38%.
    const apple = [12.5, 48.5, -5.4, 88.9, 82.3, 34.6, -26.4, 49.0, 30.7, 9.1];
    expect(byHand(apple)).toBeCloseTo(0.3659, 4); // also Python's statistics.stdev: 36.59
    expect(stockVolatilityOf('AAPL')).toEqual({
      volatility: 0.3659,
      basis: 'calendar-year total returns 2016–2025, chartrow.com',
    });
  });

  it('Coca-Cola: a steady company, 7.7% over the same window (page: chartrow.com/quote/ko/returns)', () => {
    const cocaCola = [-0.4, 14.4, 6.7, 20.6, 2.4, 11.3, 10.6, -4.5, 8.8, 15.6];
    expect(byHand(cocaCola)).toBeCloseTo(0.0769, 4);
    expect(stockVolatilityOf('KO').volatility).toBe(0.0769);
  });

  it('every stored volatility is the deviation of its own stored returns, over every year of one window', () => {
    const facts = stockFacts();
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
