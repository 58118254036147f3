import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_PORTFOLIO_FILE_BYTES, parsePortfolioFile } from '#services/common/portfolio-file.ts';
import { changedFile, refusalOf } from '#test/support/portfolio-file-cases.ts';

const example = readFileSync(new URL('../../../../examples/portfolio.json', import.meta.url), 'utf8');
const withChange = (change: (p: any) => void) => changedFile(example, change);
/** Renames an account and moves its positions with it, so only the id itself can be wrong. */
function renameAccount(p: any, from: string, to: string) {
  for (const account of p.accounts) if (account.id === from) account.id = to;
  for (const position of p.positions) if (position.account === from) position.account = to;
}
/** Moves the 401k's positions to the taxable account and renames the then empty 401k to `to`. */
function emptyAndRename(p: any, to: string) {
  for (const position of p.positions) if (position.account === '401k') position.account = 'taxable';
  p.accounts[0].id = to;
}
const problem = refusalOf;

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

  it.each([
    ['an empty owner name', (p: any) => (p.user.name = ''), 'p.json: user.name:'],
    ['an owner name of 121 characters', (p: any) => (p.user.name = 'n'.repeat(121)), 'p.json: user.name:'],
    ['a birth year before 1900', (p: any) => (p.user.birthYear = 1899), 'p.json: user.birthYear:'],
    ['a birth year in the future', (p: any) => (p.user.birthYear = new Date().getUTCFullYear() + 1), 'user.birthYear:'],
    [
      'no account',
      (p: any) => {
        p.accounts = [];
        p.positions = [];
      },
      'p.json: accounts: list at least one account',
    ],
    [
      'an account id of 41 characters',
      (p: any) => emptyAndRename(p, 'a'.repeat(41)),
      'p.json: accounts[0].id: must be 1–40 letters, digits, _ or - (for example "roth" or "401k")',
    ],
    ['an account id starting with _', (p: any) => emptyAndRename(p, '_k'), 'p.json: accounts[0].id: must be'],
    ['an empty account name', (p: any) => (p.accounts[0].name = ''), 'p.json: accounts[0].name:'],
    [
      'more cash than any real account holds',
      (p: any) => (p.accounts[0].cash = 1e13 + 1),
      'p.json: accounts[0].cash: must be at most $10,000,000,000,000',
    ],
    [
      'a price beyond any real instrument',
      (p: any) => (p.positions[0].price = 1e9 + 1),
      'p.json: positions[0].price: must be at most $1,000,000,000 a unit',
    ],
    [
      'a position in an account the file does not list',
      (p: any) => (p.positions[0].account = 'ira'),
      'p.json: positions[0].account: unknown account "ira"; accounts in this file are 401k, roth, taxable',
    ],
    ['a position name of 201 characters', (p: any) => (p.positions[0].name = 'n'.repeat(201)), 'positions[0].name:'],
    [
      'a life expectancy equal to the retirement age',
      (p: any) => (p.goals.lifeExpectancy = p.goals.retirementAge),
      'p.json: goals.lifeExpectancy: must be greater than goals.retirementAge',
    ],
  ])('refuses %s', (_what, change, message) => {
    expect(problem(withChange(change))).toContain(message);
  });

  it('accepts every limit exactly at its edge', () => {
    const portfolio = parsePortfolioFile(
      withChange((p) => {
        p.user.name = 'n'.repeat(120);
        p.user.birthYear = new Date().getUTCFullYear();
        renameAccount(p, '401k', 'a'.repeat(40));
        p.accounts[0].name = 'n'.repeat(120);
        p.accounts[1].cash = 1e13;
        delete p.accounts[2].cash;
        p.positions[1].name = 'n'.repeat(200);
        // quantity × price exactly $10,000,000,000,000
        p.positions[0].quantity = 1e4;
        p.positions[0].price = 1e9;
        p.goals.lifeExpectancy = p.goals.retirementAge + 1;
      }),
    );
    expect(portfolio.accounts[1]!.cash).toBe(1e13);
    expect(portfolio.accounts[2]!.cash).toBe(0); // absent cash is none
  });

  it('refuses 51 accounts and 2,001 positions, naming the list', () => {
    const accounts = problem(
      withChange((p) => {
        p.accounts = Array.from({ length: 51 }, (_, i) => ({ id: `a${i}`, name: `A ${i}`, type: 'taxable' }));
        p.positions = [];
      }),
    );
    expect(accounts).toMatch(/^p\.json: accounts: /);
    const positions = problem(
      withChange((p) => {
        p.positions = Array.from({ length: 2001 }, (_, i) => ({ account: 'taxable', symbol: `X${i}`, quantity: 1 }));
      }),
    );
    expect(positions).toMatch(/^p\.json: positions: /);
  });

  it('refuses a file that is not JSON, too large, or holds a NUL character, before reading fields', () => {
    expect(problem('{"user":')).toMatch(/^p\.json is not valid JSON: /);
    const large = ' '.repeat(MAX_PORTFOLIO_FILE_BYTES + 1);
    expect(problem(large)).toBe(
      `p.json is ${MAX_PORTFOLIO_FILE_BYTES + 1} bytes; a portfolio file may be at most ${MAX_PORTFOLIO_FILE_BYTES} bytes (10 MiB)`,
    );
    expect(problem(withChange((p) => (p.accounts[1].name = 'Roth\u0000')))).toBe(
      'p.json: accounts[1].name: contains a NUL character (U+0000), which cannot be stored; remove it',
    );
  });

  it('names the whole file when the problem is not in a field', () => {
    expect(problem('[]')).toMatch(/^p\.json: \(file\): /);
  });

  it("takes the user's own classifications without a source, up to 500", () => {
    const instrument = {
      symbol: 'NBRWX',
      name: 'Northbridge Regional Water Utilities Fund',
      instrumentType: 'mutual_fund',
      assetClass: { equity: 100 },
      regions: { north_america: 100 },
      sectors: { utilities: 100 },
      rationale: 'a regional utilities fund, by its prospectus',
    };
    const portfolio = parsePortfolioFile(withChange((p) => (p.instruments = [instrument])));
    expect(portfolio.instruments).toEqual([{ ...instrument, sources: [] }]);
    const many = Array.from({ length: 501 }, (_, i) => ({ ...instrument, symbol: `X${i}` }));
    expect(problem(withChange((p) => (p.instruments = many)))).toMatch(/^p\.json: instruments: /);
  });

  it('names the field of a position held twice, and calls an unnamed file "portfolio"', () => {
    expect(problem(withChange((p) => p.positions.push({ ...p.positions[0] })))).toMatch(
      /^p\.json: positions\[16\]\.symbol: FXAIX appears twice/,
    );
    try {
      parsePortfolioFile('[]');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^portfolio: \(file\): /);
    }
  });

  it('accepts a file of exactly the largest size', () => {
    const padded = example.trimEnd() + ' '.repeat(MAX_PORTFOLIO_FILE_BYTES - Buffer.byteLength(example.trimEnd()));
    expect(Buffer.byteLength(padded)).toBe(MAX_PORTFOLIO_FILE_BYTES);
    expect(parsePortfolioFile(padded).user.id).toBe('rivera-household');
  });
});

describe('the door checks what the pipeline needs', () => {
  it('refuses a yearly amount the projection cannot handle, naming the field and the limit', () => {
    expect(problem(withChange((p) => (p.goals.annualSpending = 1e308)))).toBe(
      'p.json: goals.annualSpending: must be at most $1,000,000,000 a year',
    );
    expect(problem(withChange((p) => (p.goals.otherIncome = 2e9)))).toMatch(/goals\.otherIncome: must be at most/);
  });

  it('accepts a yearly amount of exactly the limit, $1,000,000,000', () => {
    const portfolio = parsePortfolioFile(
      withChange((p) => {
        p.goals.annualSpending = 1e9;
        p.goals.annualContribution = 1e9;
      }),
    );
    expect(portfolio.goals.annualSpending).toBe(1e9);
  });

  it('refuses an owner already older than their life expectancy, with the age to go above', () => {
    const born = new Date().getUTCFullYear() - 100;
    const message = problem(
      withChange((p) => {
        p.user.birthYear = born;
        p.goals.lifeExpectancy = 95;
      }),
    );
    expect(message).toBe(
      `p.json: goals.lifeExpectancy: is 95, but the owner (born ${born}) is already 100; set it above 100`,
    );
  });

  it('refuses an owner whose age is their life expectancy: no year is left to project', () => {
    const born = new Date().getUTCFullYear() - 95;
    const message = problem(
      withChange((p) => {
        p.user.birthYear = born;
        p.goals.lifeExpectancy = 95;
      }),
    );
    expect(message).toBe(
      `p.json: goals.lifeExpectancy: is 95, but the owner (born ${born}) is already 95; set it above 95`,
    );
  });
});
