import { describe, expect, it } from 'vitest';
import { computeFacts, factRecord } from '#services/reporter/facts.ts';
import { findUnsupportedNumbers } from '#services/reporter/number-check.ts';
import { portfolio, threeHoldings } from './snapshots.ts';

// Total $100,000; equities 70%; bonds 15 points under target; HHI 0.451; age 46; retires 2045.
const facts = computeFacts(threeHoldings());

describe('findUnsupportedNumbers', () => {
  it('finds invented round figures however they are written', () => {
    for (const invented of [
      '5,000,000 USD',
      'USD 5,000,000',
      'US$ 5,000,000',
      'about 2,000,000 dollars',
      'Hold 250 funds',
      'a balance of $5e6',
    ]) {
      expect(findUnsupportedNumbers(`Your portfolio of $100,000 — ${invented}.`, facts), invented).toHaveLength(1);
    }
    // The real total in the same spellings is accepted.
    expect(
      findUnsupportedNumbers('It is worth 100,000 USD, or USD 100,000, or 100,000 dollars, or $1e5.', facts),
    ).toEqual([]);
  });

  it('finds invented money and percents', () => {
    const text = 'Your portfolio of $100,000 could reach $999,999, and equities are 37% of it.';
    expect(findUnsupportedNumbers(text, facts)).toEqual(['$999,999', '37%']);
  });

  it('accepts real figures in their formatting variants', () => {
    const text = [
      'Worth $100,000 (about $100K, or $0.1M, or 100,000 dollars), with $4,000 a year sustainable.',
      'Equities are 70.0% (70%), bonds 15.0 percentage points below target, and cash +5.0 pp over.',
      'The HHI is 0.451, like 2.2 equal positions; drag is $244 a year at 6.1%.',
      'You are 46, retire at 65 in 2045, and the need implies $1,000,000, or $1 million.',
    ].join('\n');
    expect(findUnsupportedNumbers(text, facts)).toEqual([]);
  });

  it('checks money and percents against facts of their own kind', () => {
    // 46 is an age and 2045 a year, not amounts of money or shares of the portfolio
    expect(findUnsupportedNumbers('You would need $46 and 2045%.', facts)).toEqual(['$46', '2045%']);
    // $244 is the cash drag; a percent of 244 is not a fact
    expect(findUnsupportedNumbers('a 244% gain', facts)).toEqual(['244%']);
  });

  it('respects the precision the text states', () => {
    // the total is exactly $100,000, so $100,400 is wrong while $0.1M is a fair rounding
    expect(findUnsupportedNumbers('$100,400 or $0.1M', facts)).toEqual(['$100,400']);
    // 70.0% is supported, 70.4% is not
    expect(findUnsupportedNumbers('70.0% and 70.4%', facts)).toEqual(['70.4%']);
  });

  it('ignores single-digit counts, list markers, account types and the snapshot date', () => {
    const text = [
      '1. Three funds in 2 accounts, one of them a 401(k) and the other a 403(b).',
      '2) Prepared on November 21, 2026 (2026-11-21), in 2026.',
      'Section 12 compares the S&P 500 with 2nd-quarter results.',
    ].join('\n');
    expect(findUnsupportedNumbers(text, facts)).toEqual([]);
  });

  it('reads a bare number as itself, never as a ratio fact stated in percent', () => {
    // The HHI is 0.451: "45.1%" and "45%" state it as a percent, but a bare 45 or 45.1 is no fact.
    expect(findUnsupportedNumbers('An HHI of 0.451, or 45.1%, or about 45%.', facts)).toEqual([]);
    expect(findUnsupportedNumbers('You hold 45 funds, or 45.1 of them.', facts)).toEqual(['45', '45.1']);
  });

  it('ignores the snapshot date written out in words, in every month and both orders', () => {
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September'];
    months.push('October', 'November', 'December');
    months.forEach((month, index) => {
      const asOf = `2026-${String(index + 1).padStart(2, '0')}-17`;
      const record = { asOf, totalValue: 100_000 };
      const text = `As of ${month} 17, 2026 (17 ${month} 2026, ${asOf}), you hold $100,000.`;
      expect(findUnsupportedNumbers(text, record), month).toEqual([]);
      // A day that is not the snapshot's is a stated figure, and not a fact.
      expect(findUnsupportedNumbers(`As of ${month} 18, 2026.`, record), month).toEqual(['18']);
    });
  });

  it('reads every scale word, on money and on plain amounts', () => {
    const record = { totalValue: 2_500_000_000, saved: 40_000 };
    const stated = ['$2.5B', '$2.5b', '$2.5bn', '$2.5 billion', '2.5 billion dollars', '$2,500 million', '$2,500M'];
    stated.push('2.5 billion', '2,500 million', '$40k', '$40K', '$40 thousand', '40 thousand');
    for (const figure of stated) expect(findUnsupportedNumbers(`It is ${figure}.`, record), figure).toEqual([]);
    for (const figure of ['$3.5B', '$2.6 billion', '$41k', '41 thousand', '2.4 billion'])
      expect(findUnsupportedNumbers(`It is ${figure}.`, record), figure).toEqual([figure]);
  });

  it('reads no figure in plan names, list words or an index name', () => {
    const text = 'A 457(b), a 457b, a 529 plan and a 529 account; step 14, item 22, recommendation 31; the S&P500.';
    expect(findUnsupportedNumbers(text, facts)).toEqual([]);
    // Without the word that makes it a name, the number is a figure.
    expect(findUnsupportedNumbers('Save 529 a month in 457 ways.', facts)).toEqual(['529', '457']);
  });

  it('flags years and plain numbers that are not facts', () => {
    expect(findUnsupportedNumbers('By 2031 you will hold 37 funds.', facts)).toEqual(['2031', '37']);
  });

  it('does not read digits inside names as figures, but a short name cannot hide one', () => {
    const named = computeFacts(
      portfolio({
        accounts: [
          { id: 'a', name: 'Brokerage 2019', type: 'taxable', cash: 0 },
          { id: 'b', name: '5', type: '401k', cash: 0 },
        ],
        holdings: [{ symbol: 'VFIFX', value: 1000, accountId: 'a', name: 'Target Retirement 2050 Fund' }],
      }),
    );
    expect(findUnsupportedNumbers('Your Target Retirement 2050 Fund sits in Brokerage 2019.', named)).toEqual([]);
    expect(findUnsupportedNumbers('It earned $5,555.', named)).toEqual(['$5,555']);
  });

  it('works from a stored facts record, without units', () => {
    const record = factRecord(facts);
    expect(findUnsupportedNumbers('$100,000 in 2026, 70.0% equities, $999,999 and 37%', record)).toEqual([
      '$999,999',
      '37%',
    ]);
  });
});
