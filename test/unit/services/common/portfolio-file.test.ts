import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { parsePortfolioFile } from '#services/common/portfolio-file.ts';

const example = readFileSync(new URL('../../../../examples/portfolio.json', import.meta.url), 'utf8');
const withChange = (change: (p: any) => void) => {
  const p = JSON.parse(example);
  change(p);
  return JSON.stringify(p);
};
function problem(text: string): string {
  try {
    parsePortfolioFile(text, 'p.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('parsePortfolioFile', () => {
  it('accepts the example and fills defaults', () => {
    const portfolio = parsePortfolioFile(example);
    expect(portfolio.accounts.map((a) => a.type)).toEqual(['401k', 'roth_ira', 'taxable']);
    expect(portfolio.positions.length).toBeGreaterThanOrEqual(12);
    expect(portfolio.instruments).toEqual([]);
  });

  it.each([
    [
      'a negative cash balance',
      (p: any) => (p.accounts[1].cash = -1),
      'p.json: accounts[1].cash: must not be negative',
    ],
    [
      'a duplicate account id',
      (p: any) => (p.accounts[2].id = 'roth'),
      'p.json: accounts[2].id: duplicate account id "roth"; each account needs its own id',
    ],
    [
      'a position held twice in one account',
      (p: any) => p.positions.push({ ...p.positions[0] }),
      'appears twice in account "401k"; merge the two positions into one',
    ],
    [
      'an unknown account type',
      (p: any) => (p.accounts[0].type = 'brokerage'),
      'p.json: accounts[0].type: must be one of 401k, roth_ira',
    ],
    ['a zero price', (p: any) => (p.positions[0].price = 0), 'p.json: positions[0].price: must be greater than 0'],
    [
      'a zero quantity',
      (p: any) => (p.positions[2].quantity = 0),
      'p.json: positions[2].quantity: must be greater than 0 (remove the position if it was sold)',
    ],
    [
      'life expectancy before retirement',
      (p: any) => (p.goals.lifeExpectancy = 60),
      'p.json: goals.lifeExpectancy: must be greater than goals.retirementAge',
    ],
    ['a missing user', (p: any) => delete p.user, 'p.json: user:'],
    ['a text quantity', (p: any) => (p.positions[3].quantity = '12'), 'p.json: positions[3].quantity:'],
    [
      'a quantity that would overflow',
      (p: any) => (p.positions[0].quantity = 1e308),
      'p.json: positions[0].quantity: must be at most 1,000,000,000,000 units',
    ],
    [
      'a value beyond any real holding',
      (p: any) => {
        p.positions[0].quantity = 1e9;
        p.positions[0].price = 1e6;
      },
      'p.json: positions[0].quantity: quantity × price is 1000000000000000',
    ],
  ])('refuses %s, naming the field', (_what, change, message) => {
    expect(problem(withChange(change))).toContain(message);
  });

  it('says how many more problems there are', () => {
    const message = problem(
      withChange((p) => {
        p.positions[0].quantity = -1;
        p.positions[1].quantity = -1;
      }),
    );
    expect(message).toMatch(/positions\[0\]\.quantity: .*\(and 1 more\)$/);
  });
});
