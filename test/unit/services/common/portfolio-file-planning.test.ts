/** The optional retirement-planning fields of the portfolio file: accepted, and refused with the field named. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePortfolioFile } from '#services/common/portfolio-file.ts';
import { changedFile, refusalOf } from '#test/support/portfolio-file-cases.ts';

const planning = readFileSync(new URL('../../../../examples/retirement-planning.json', import.meta.url), 'utf8');
const withChange = (change: (p: any) => void) => changedFile(planning, change);
const problem = refusalOf;

describe('retirement-planning fields in the portfolio file', () => {
  it('accepts the planning example with Social Security, a pension, taxes and a strategy', () => {
    const file = parsePortfolioFile(planning);
    expect(file.goals.socialSecurity).toHaveLength(2);
    expect(file.goals.pensions![0]).toMatchObject({ person: 'spouse', cola: false });
    expect(file.goals.taxes!.model).toBe(true);
    expect(file.goals.withdrawalStrategy).toEqual({ type: 'guyton-klinger', rate: 0.05 });
  });

  it.each([
    [
      (p: any) => (p.goals.socialSecurity[0].claimingAge = 61),
      /goals\.socialSecurity\[0\]\.claimingAge: Social Security can be claimed from 62/,
    ],
    [(p: any) => (p.goals.socialSecurity[0].claimingAge = 71), /claimingAge: credits stop at 70/],
    [(p: any) => delete p.goals.spouse, /goals\.socialSecurity\[1\]\.person: is "spouse" but goals\.spouse is missing/],
    [(p: any) => (p.goals.socialSecurity[1].person = 'owner'), /goals\.socialSecurity: lists the same person twice/],
    [
      (p: any) => (p.goals.withdrawalStrategy.type = 'yolo'),
      /goals\.withdrawalStrategy\.type: must be one of constant-dollar/,
    ],
    [
      (p: any) => (p.goals.taxes.withdrawalOrder = ['roth', 'roth', 'taxable']),
      /withdrawalOrder: list taxable, pre_tax and roth once each/,
    ],
    [
      (p: any) => (p.goals.taxes.costBasis[0].symbol = 'QQQ'),
      /goals\.taxes\.costBasis\[0\]: names QQQ in account "taxable", which is not a position/,
    ],
    [(p: any) => (p.goals.taxes.effectiveRate = 0.9), /goals\.taxes\.effectiveRate: must be a fraction/],
  ])('refuses a mistake, naming the field (%#)', (change, message) => {
    expect(problem(withChange(change))).toMatch(message);
  });

  it('keeps the original example, with only otherIncome, valid', () => {
    const example = readFileSync(new URL('../../../../examples/portfolio.json', import.meta.url), 'utf8');
    expect(parsePortfolioFile(example).goals.otherIncome).toBe(34_000);
  });
});
