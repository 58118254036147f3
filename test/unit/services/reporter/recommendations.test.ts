import { describe, expect, it } from 'vitest';
import { computeFacts } from '#services/reporter/facts.ts';
import { recommend } from '#services/reporter/recommendations.ts';
import type { HoldingSpec, PortfolioSpec } from './snapshots.ts';
import { portfolio, threeHoldings } from './snapshots.ts';

const titles = (spec: PortfolioSpec) => recommend(computeFacts(portfolio(spec))).map((r) => r.title);
const funds = (count: number, value: number, prefix = 'F'): HoldingSpec[] =>
  Array.from({ length: count }, (_, i) => ({ symbol: `${prefix}${String.fromCharCode(65 + i)}`, value }));
// A 401(k) whose cash cannot serve as an emergency reserve, so all of it is idle.
const k401 = (cash: number): PortfolioSpec['accounts'] => [{ id: 'k401', name: 'Work 401(k)', type: '401k', cash }];

describe('recommend on three holdings and cash', () => {
  const recommendations = recommend(computeFacts(threeHoldings()));

  it('fires the rules the figures call for, highest priority first', () => {
    expect(recommendations.map((r) => [r.title, r.priority])).toEqual([
      // AAPL 15% direct + 6.12% of the $55,000 in VTI (reference look-through) = 18.4% > 10%
      ['Reduce AAPL to 10% of the portfolio', 'high'],
      ['Rebalance toward the target allocation', 'high'], // bonds 15 points under target
      ['Build the emergency reserve', 'medium'], // $30,000 wanted, $2,000 in taxable accounts
      ['Put idle cash to work', 'medium'], // $8,000 idle = 8% > 5%
      ['Add international equities', 'low'], // 100% North American
    ]);
  });

  it('cites the facts behind each recommendation', () => {
    const [concentration, rebalance, reserve, cash] = recommendations;
    // bonds 20,000 against 35% of 100,000: buy 15,000 of the bond fund already held, in the 401(k)
    expect(rebalance!.recommendation).toContain('buy about $15,000 of BND in the 401(k)');
    expect(rebalance!.reasoning).toContain('bonds are 20.0% against a target of 35.0%');
    expect(rebalance!.reasoning).toContain('15.0 percentage points in bonds');
    // 15,000 + 0.0612 × 55,000 = 18,366 against a limit of 10,000: sell 8,366 of the direct holding
    expect(concentration!.recommendation).toContain('Sell about $8,366 of AAPL in the taxable account');
    expect(concentration!.reasoning).toContain('AAPL is 18.4% of the portfolio ($18,366');
    expect(reserve!.recommendation).toContain('about $28,000');
    expect(cash!.reasoning).toContain(
      'After keeping $2,000 in taxable accounts as an emergency reserve, $8,000 (8.0%) is idle',
    );
    expect(cash!.impact).toContain('About $244 a year');
  });
});

describe('thresholds: each rule fires above its threshold and not at it', () => {
  it('rebalances when a class drifts more than 5 points', () => {
    // 70/20/10 held; 65/20/15 target drifts exactly 5 points; 64.9/20/15.1 drifts 5.1
    const base = {
      accounts: k401(10_000),
      holdings: [
        { symbol: 'VTI', value: 70_000, regions: { north_america: 60, europe: 40 } },
        { symbol: 'BND', value: 20_000, assetClass: { fixed_income: 100 } },
      ],
    };
    expect(titles({ ...base, goals: { targetAllocation: { equity: 65, fixed_income: 20, cash: 15 } } })).not.toContain(
      'Rebalance toward the target allocation',
    );
    expect(titles({ ...base, goals: { targetAllocation: { equity: 64.9, fixed_income: 20, cash: 15.1 } } })).toContain(
      'Rebalance toward the target allocation',
    );
  });

  it('reduces concentration when one stock is over 10% of the portfolio', () => {
    // ten funds of $9,000 and one stock: top five stays under 60%; 10,200 / 100,200 prints as 10.2%
    const at = titles({ holdings: [...funds(10, 9_000), { symbol: 'AAPL', value: 10_000, type: 'stock' }] });
    const above = titles({ holdings: [...funds(10, 9_000), { symbol: 'AAPL', value: 10_200, type: 'stock' }] });
    expect(at).not.toContain('Reduce AAPL to 10% of the portfolio');
    expect(above).toContain('Reduce AAPL to 10% of the portfolio');
  });

  it('reduces concentration when the top five exceed 60% and include an individual security', () => {
    // four funds of $12,750 plus a $9,000 stock = 60% exactly; four small funds and cash make up the rest
    const rest = [...funds(4, 8_250, 'S')];
    const at = titles({
      accounts: k401(7_000),
      holdings: [...funds(4, 12_750), { symbol: 'AAPL', value: 9_000, type: 'stock' }, ...rest],
    });
    const above = titles({
      accounts: k401(7_000),
      holdings: [...funds(4, 13_000), { symbol: 'AAPL', value: 9_000, type: 'stock' }, ...funds(4, 8_000, 'S')],
    });
    expect(at).not.toContain('Reduce concentration');
    expect(above).toContain('Reduce concentration');
  });

  it('does not call a few broad funds a concentration, nor guess at an unclassified holding', () => {
    expect(titles({ holdings: funds(3, 30_000) })).not.toContain('Reduce concentration');
    const unknown = titles({
      holdings: [
        { symbol: 'VTI', value: 80_000 },
        { symbol: 'ZZZQ', value: 20_000, unclassified: true },
      ],
    });
    expect(unknown).not.toContain('Reduce concentration');
    expect(unknown).toContain('Complete the instrument data');
  });

  it('puts idle cash to work above 5% of the portfolio', () => {
    const holdings = [{ symbol: 'VTI', value: 95_000, regions: { north_america: 60, europe: 40 } }];
    expect(titles({ accounts: k401(5_000), holdings })).not.toContain('Put idle cash to work');
    expect(titles({ accounts: k401(5_100), holdings })).toContain('Put idle cash to work');
  });

  it('keeps six months of spending in a taxable account as an emergency reserve', () => {
    // $30,000 reserve (half of $60,000) in a taxable account is not idle
    const accounts = [{ id: 'bank', name: 'Brokerage', type: 'taxable' as const, cash: 30_000 }];
    expect(
      titles({
        accounts,
        holdings: [{ symbol: 'VTI', value: 70_000, accountId: 'bank', regions: { north_america: 60, europe: 40 } }],
      }),
    ).not.toContain('Put idle cash to work');
  });

  it('adds international equities when more than 80% of equities are North American', () => {
    const spec = (us: number) => ({
      holdings: [
        { symbol: 'VTI', value: us * 1000 },
        { symbol: 'VXUS', value: (100 - us) * 1000, regions: { europe: 100 } },
      ],
    });
    expect(titles(spec(80))).not.toContain('Add international equities');
    expect(titles(spec(81))).toContain('Add international equities');
  });

  it('raises bonds when more than 10 points below the glide path, urgently within 10 years', () => {
    // 15 years out: glide path 40 - 1.2 × 15 = 22%; 12% bonds is 10 points short, 11.9% is 10.1
    const spec = (bonds: number, birthYear = 1976) => ({
      birthYear,
      holdings: [
        { symbol: 'VTI', value: (100 - bonds) * 1000, regions: { north_america: 60, europe: 40 } },
        ...(bonds > 0 ? [{ symbol: 'BND', value: bonds * 1000, assetClass: { fixed_income: 100 } }] : []),
      ],
    });
    expect(titles(spec(12))).not.toContain('Raise the bond share as retirement nears');
    const below = recommend(computeFacts(portfolio(spec(11.9))));
    expect(below.find((r) => r.title.startsWith('Raise'))).toMatchObject({ priority: 'medium' });
    // 8 years out: glide path 30.4%; no bonds at all
    const near = recommend(computeFacts(portfolio(spec(0, 1969))));
    expect(near[0]).toMatchObject({ title: 'Raise the bond share as retirement nears', priority: 'high' });
    expect(near[0]!.reasoning).toContain(
      'With eight years to retirement, the glide path this review uses suggests 30.4%',
    );
  });

  it('notes unpriced and unclassified instruments', () => {
    const unpriced = recommend(
      computeFacts(
        portfolio({
          holdings: [
            { symbol: 'VTI', value: 1000 },
            { symbol: 'GONE', value: 0, unpriced: true },
          ],
        }),
      ),
    );
    const note = unpriced.find((r) => r.title === 'Complete the instrument data');
    expect(note).toMatchObject({ priority: 'medium' });
    expect(note!.reasoning).toContain('GONE had no price, so it is left out of every total');
    const unclassified = recommend(
      computeFacts(
        portfolio({
          holdings: [
            { symbol: 'VTI', value: 99_000 },
            { symbol: 'ZZZQ', value: 1_000, unclassified: true },
          ],
        }),
      ),
    );
    expect(unclassified.find((r) => r.title === 'Complete the instrument data')).toMatchObject({ priority: 'low' });
  });

  it('recommends nothing for a balanced, diversified portfolio on target', () => {
    expect(
      titles({
        birthYear: 1990, // 29 years out: glide path 10% bonds
        // six months of spending kept in the taxable account: no reserve shortfall
        accounts: [{ id: 'taxable', name: 'Brokerage', type: 'taxable', cash: 4_000 }],
        goals: { targetAllocation: { equity: 78, fixed_income: 19, cash: 3 }, annualSpending: 8_000 },
        holdings: [
          { symbol: 'VTI', value: 50_000 },
          { symbol: 'VXUS', value: 30_000, regions: { europe: 60, asia_pacific: 40 } },
          { symbol: 'BND', value: 20_000, assetClass: { fixed_income: 100 } },
        ],
      }),
    ).toEqual([]);
  });
});
