/**
 * The number check on facts built by hand, one unit each, so that every figure's verdict follows
 * from the rules in number-check.ts's header: the spellings of a figure, its kind (money,
 * percent, points, plain), the precision it states, and the text that is data, not figures.
 */
import { describe, expect, it } from 'vitest';
import type { Fact, FactUnit, PortfolioFacts } from '#services/reporter/facts.ts';
import { findUnsupportedNumbers } from '#services/reporter/number-check.ts';

function fact(key: string, unit: FactUnit, value: number | string, shown: number | string = value): Fact {
  return { key, label: key, unit, value, shown, decimals: 0, text: String(shown) };
}

/** Facts with units, as computeFacts makes them (only the fields the check reads matter). */
function factsOf(list: Fact[], userStrings: string[] = [], asOf = '2026-11-21'): PortfolioFacts {
  return {
    asOf,
    asOfYear: Number(asOf.slice(0, 4)),
    list,
    byKey: new Map(list.map((f) => [f.key, f])),
    userStrings,
  } as unknown as PortfolioFacts;
}

const facts = factsOf([
  fact('total', 'usd', 1_234_567.4),
  fact('equity', 'percent', 62.31),
  fact('drift', 'pp', -7.5),
  fact('hhi', 'ratio', 0.451),
  fact('funds', 'count', 14),
  fact('age', 'age', 46),
  fact('fee', 'usd', 1_200, 1_200),
]);
const check = (text: string) => findUnsupportedNumbers(text, facts);

describe('the number check reads a figure', () => {
  it('in every currency spelling, with or without a space', () => {
    for (const text of ['$1,234,567', '$ 1,234,567', 'US$1,234,567', 'US$ 1,234,567', 'USD1,234,567']) {
      expect(check(text), text).toEqual([]);
    }
    for (const text of ['1,234,567 USD', '1,234,567 dollars', '1,234,567 dollar', '$1,234,567.40', '$1,234,567.4']) {
      expect(check(text), text).toEqual([]);
    }
    expect(check('$1,234,568.00')).toEqual(['$1,234,568.00']);
  });

  it('with its thousands separators, decimals and scale', () => {
    expect(check('$1.2M and $1.23 million and 1.2 million dollars and $1,235k')).toEqual([]);
    expect(check('$1.3M')).toEqual(['$1.3M']);
    expect(check('$1.24M')).toEqual(['$1.24M']);
    // A bare scale letter belongs to money only: "14 m" is fourteen, plainly.
    expect(check('14 m')).toEqual([]);
    expect(check('$1.2 m')).toEqual([]);
  });

  it('as a percent in each of its spellings', () => {
    for (const text of ['62%', '62.3%', '62.31%', '62 percent', '62.3 per cent', '62 % of it']) {
      expect(check(text), text).toEqual([]);
    }
    for (const text of ['63%', '62.4%', '62.32%', '61 percent']) expect(check(text), text).toEqual([text]);
  });

  it('in percentage points, which a ratio fact cannot support', () => {
    for (const text of ['7.5 pp', '7.5 percentage points', '7.5 percentage point', '7.5 points', '7.5 point']) {
      expect(check(text), text).toEqual([]);
    }
    // 0.451 is 45.1% but not 45.1 points; the drift is no percent of anything else.
    expect(check('45.1%')).toEqual([]);
    expect(check('45.1 points')).toEqual(['45.1 points']);
    expect(check('7.6 pp')).toEqual(['7.6 pp']);
  });

  it('as money only against money facts, and as a percent only against percent-like ones', () => {
    expect(check('$14 and $46')).toEqual(['$14', '$46']);
    expect(check('14% and 46%')).toEqual(['14%', '46%']);
    // A plain number may be any fact: a count, an age, a dollar figure written without its sign.
    expect(check('14 funds at 46, worth 1,234,567, paying 1,200')).toEqual([]);
  });

  it('with an exponent, in either case', () => {
    expect(check('$1.234567e6 or $1.234567E6')).toEqual([]);
    expect(check('$1.3e6')).toEqual(['$1.3e6']);
  });
});

describe('the number check lets pass', () => {
  it('counting words of ten and less, but not eleven, nor a fraction, nor a scaled amount', () => {
    expect(check('10 funds in 3 accounts over 0 years')).toEqual([]);
    expect(check('11 funds')).toEqual(['11']);
    expect(check('2.5 funds')).toEqual(['2.5']);
    expect(check('3 million')).toEqual(['3 million']);
  });

  it('the snapshot’s year as a plain number only', () => {
    expect(check('in 2026')).toEqual([]);
    expect(check('$2026 and 2026%')).toEqual(['$2026', '2026%']);
    expect(check('in 2027')).toEqual(['2027']);
  });

  it('a figure within half a unit of the last digit it states, and no further', () => {
    // 1,234,567.4 written to the dollar is 1,234,567; to the thousand with "k", 1,235k.
    expect(check('$1,234,567')).toEqual([]);
    expect(check('$1,234,566')).toEqual(['$1,234,566']);
    // 62.31%: 62% is within 0.5, 62.3% within 0.05; 62.2% is not.
    expect(check('62.2%')).toEqual(['62.2%']);
  });

  it('figures whatever their sign', () => {
    expect(check('a drift of -7.5 pp, or +7.5 pp')).toEqual([]);
  });

  it('each unsupported figure once, as written', () => {
    expect(check('37% then 37% again, and $5,000,000 ')).toEqual(['37%', '$5,000,000']);
  });
});

describe('the number check ignores', () => {
  it('account types, plan names and an index name, however written', () => {
    const text =
      'A 401k, a 401 (k), a 403b, a 457 (b), a 529 savings plan, a 529  account, the S&P 500 and the s&p 500.';
    expect(check(text)).toEqual([]);
  });

  it('list markers and markdown heading numbers at the start of a line, not elsewhere', () => {
    expect(check('## 12. Costs\n   13) Fees\n#15. Tax')).toEqual([]);
    expect(check('Costs 12. Then 13) more')).toEqual(['12', '13']);
    expect(check('Section 15, Step  16, ITEM 17')).toEqual([]);
  });

  it('digits glued to letters', () => {
    expect(check('Q3, the 2nd, 3rd and 21st, H2O, a 10x fund, 100bps')).toEqual([]);
    // …but a figure followed by a space and a word is a figure.
    expect(check('100 bps')).toEqual(['100']);
  });

  it('names that are data, matched whole and longest first', () => {
    const named = factsOf(
      [fact('total', 'usd', 5_000), fact('fund', 'text', 'Target 2050 Fund'), fact('x', 'text', '2050 Fund Plus 99')],
      ['Account (No. 2031)', 'a1', '77', 'Nine'],
    );
    const text = 'Target 2050 Fund and 2050 Fund Plus 99 sit in Account (No. 2031); $5,000.';
    expect(findUnsupportedNumbers(text, named)).toEqual([]);
    // Short or letterless names hide nothing, and a name only hides itself, whole.
    expect(findUnsupportedNumbers('a1 holds 77 and Target 20500 Fund', named)).toEqual(['77', '20500']);
  });

  it('the snapshot date in words with ordinals and optional commas, only that date', () => {
    for (const text of ['November 21st, 2026', 'November 21 2026', '21st November 2026', '21 November, 2026']) {
      expect(check(`On ${text}.`), text).toEqual([]);
    }
    expect(check('On November 21, 2025.')).toEqual(['21', '2025']);
    expect(check('On October 21, 2026.')).toEqual(['21']);
  });
});

describe('the number check on a stored facts record', () => {
  it('finds the year only in an ISO asOf, and lets any fact support any kind of figure', () => {
    const record = { total: 1_234_567.4, drift: -7.5, asOf: '2026-11-21', label: 'x' };
    expect(findUnsupportedNumbers('In 2026, $1,234,567 and 7.5% and 1,234,567 pp.', record)).toEqual([]);
    expect(findUnsupportedNumbers('On November 21, 2026.', record)).toEqual([]);
    const undated = { total: 1_234_567.4, asOf: 'Nov 2026' };
    expect(findUnsupportedNumbers('In 2026.', undated)).toEqual(['2026']);
    expect(findUnsupportedNumbers('In 2026.', { total: 5, asOf: null })).toEqual(['2026']);
  });

  it('does not take a record with a list for facts with units', () => {
    // Without a Map of facts by key it is a plain record: its numbers support any figure.
    const lookalike = { list: [], total: 1_000 } as unknown as Record<string, number>;
    expect(findUnsupportedNumbers('$1,000', lookalike)).toEqual([]);
  });
});

describe('the number check tells the kinds of figure apart by their words', () => {
  // The HHI fact is a ratio (0.451): 45.1 as a percent is supported, 45.1 as points or plainly is not.
  it('reads percent, per cent and % as percent, which a ratio supports', () => {
    for (const text of ['45.1 percent', '45.1 per cent', '45.1%']) expect(check(text), text).toEqual([]);
  });

  it('reads pp, point, points and percentage point(s) as points, which a ratio does not support', () => {
    for (const text of ['45.1 pp', '45.1 point', '45.1 points', '45.1 percentage point', '45.1 percentage points']) {
      expect(check(`${text}.`), text).toEqual([text]);
    }
  });

  it('accepts a points fact stated as a percent, and a percent fact stated in points', () => {
    expect(check('7.5% and 62.3 points')).toEqual([]);
  });

  it('never supports points, or a percent, with a count', () => {
    expect(check('14 points, 14 pp and 1400%')).toEqual(['14 points', '14 pp', '1400%']);
  });

  it('reads a currency sign or word only where it is written', () => {
    // 46 is an age: as money it is unsupported, whatever the spelling.
    for (const text of ['US$46', 'US$ 46', 'USD46', 'USD 46', '46 USD', '46 dollar', '46 dollars']) {
      expect(check(`${text}.`), text).toEqual([text]);
    }
  });

  it('reads every decimal of a figure', () => {
    expect(check('$1,234,999.25 and 45.12 funds')).toEqual(['$1,234,999.25', '45.12']);
  });

  it('takes a figure with an exponent of up to three digits', () => {
    expect(check('$5e10 and $1.234567e06')).toEqual(['$5e10']);
  });

  it('reads no figure where an exponent is glued to more letters or digits', () => {
    expect(check('codes 55xe5 and 55e5x')).toEqual([]);
  });

  it('scales a plain figure only by a word longer than two letters', () => {
    const record = { total: 2_500_000_000 };
    expect(findUnsupportedNumbers('2.5 billion, 2.5 bn', record)).toEqual(['2.5 bn']);
  });

  it('counts a difference of exactly half the last stated digit as within it', () => {
    // 62.45 is as close to 62.4 as to 62.5: both are fair roundings (in floating point 62.45 − 62.4 > 0.05).
    const halfway = factsOf([fact('equity', 'percent', 62.45)]);
    expect(findUnsupportedNumbers('62.4% or 62.5%', halfway)).toEqual([]);
  });
});

describe('the number check’s facts', () => {
  it('supports a figure by a fact’s exact value or by its value as shown', () => {
    const rounded = factsOf([fact('equity', 'percent', 62.349, 62.3)]);
    expect(findUnsupportedNumbers('62.349% and 62.30%', rounded)).toEqual([]);
    expect(findUnsupportedNumbers('62.35%', rounded)).toEqual([]);
    expect(findUnsupportedNumbers('62.36%', rounded)).toEqual(['62.36%']);
  });

  it('takes no figure from a fact that has no value', () => {
    const missing = factsOf([{ ...fact('drag', 'usd', 0), value: null, shown: null }]);
    expect(findUnsupportedNumbers('$0', missing)).toEqual(['$0']);
    expect(findUnsupportedNumbers('$0', { drag: null, name: 'x' })).toEqual(['$0']);
  });

  it('reads the year from the asOf field alone', () => {
    const record = { asOf: '2026-11-21', updated: '2031-01-01' };
    expect(findUnsupportedNumbers('In 2026, not 2031.', record)).toEqual(['2031']);
  });

  it('reads no date in words from an asOf that is only a month', () => {
    expect(findUnsupportedNumbers('In 2026, on November 21.', { asOf: '2026-11' })).toEqual(['21']);
  });
});

describe('the number check’s names', () => {
  it('scrubs the longer of two names that share words first', () => {
    const named = factsOf([fact('total', 'usd', 5_000)], ['Fund 2050', 'Fund 2050 Plus 99']);
    expect(findUnsupportedNumbers('Your Fund 2050 Plus 99 holds $5,000.', named)).toEqual([]);
  });

  it('scrubs a name wherever it appears, next to any character but a letter or digit', () => {
    const named = factsOf([fact('total', 'usd', 7_000)], ['Fund 2050']);
    expect(findUnsupportedNumbers('Fund 2050, then Fund 2050 again (é Fund 2050).', named)).toEqual([]);
    // Glued to a letter, even a non-ASCII one, it is not the name: its 2050 is read.
    expect(findUnsupportedNumbers('éFund 2050', named)).toEqual(['2050']);
  });

  it('scrubs names of three characters or more with a digit and a letter, and no others', () => {
    const named = factsOf([fact('total', 'usd', 7_000)], ['$5k', '5k', '2,500', 'million']);
    // "$5k" is a name; "5k" (two characters) and "2,500" (no letter) hide nothing; "million" is no name.
    expect(findUnsupportedNumbers('The $5k account', named)).toEqual([]);
    expect(findUnsupportedNumbers('Fees of $ 5k, $2,500 and 5 million', named)).toEqual([
      '$ 5k',
      '$2,500',
      '5 million',
    ]);
  });
});
