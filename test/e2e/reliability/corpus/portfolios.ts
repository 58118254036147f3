/**
 * Portfolio files handed to `alex analyze`. Each is refused before any state is touched: exit 2,
 * one line naming the field and why, no home folder and no output folder.
 */
import { readFileSync } from 'node:fs';
import { EXAMPLE_PATH } from '../../support.ts';
import { A_FOLDER, type Category, type PortfolioCase } from './types.ts';

const EXAMPLE = readFileSync(EXAMPLE_PATH, 'utf8');

/** The example portfolio, changed by `change`, as file text. */
function portfolioWith(change: (portfolio: any) => void): string {
  const portfolio = JSON.parse(EXAMPLE);
  change(portfolio);
  return JSON.stringify(portfolio, null, 2);
}

function refused(name: string, category: Category, input: PortfolioCase['input'], reason: RegExp): PortfolioCase {
  return { name, category, input, expect: { kind: 'refused', reason } };
}

export const portfolioCases: PortfolioCase[] = [
  // Not a portfolio file at all.
  refused('an empty file', 'malformed', '', /portfolio\.json is not valid JSON: Unexpected end of JSON input/),
  refused('a truncated file', 'malformed', EXAMPLE.slice(0, 200), /portfolio\.json is not valid JSON/),
  refused('a CSV export', 'malformed', 'account,symbol,quantity\nroth,VTI,260\n', /portfolio\.json is not valid JSON/),
  refused(
    'a JSON array of positions',
    'malformed',
    '[{"account":"roth","symbol":"VTI","quantity":260}]',
    /portfolio\.json: \(file\): Invalid input: expected object, received array/,
  ),
  refused('a folder instead of a file', 'malformed', A_FOLDER, /is not a regular file \(a folder\?\)/),

  // Missing fields.
  refused(
    'no user',
    'missing-field',
    portfolioWith((p) => delete p.user),
    /portfolio\.json: user: Invalid input: expected object, received undefined/,
  ),
  refused(
    'no retirement age',
    'missing-field',
    portfolioWith((p) => delete p.goals.retirementAge),
    /portfolio\.json: goals\.retirementAge: Invalid input: expected number, received undefined/,
  ),
  refused(
    'no positions',
    'missing-field',
    portfolioWith((p) => delete p.positions),
    /portfolio\.json: positions: Invalid input: expected array, received undefined/,
  ),
  refused(
    'no accounts',
    'missing-field',
    portfolioWith((p) => (p.accounts = [])),
    /portfolio\.json: accounts: list at least one account/,
  ),
  refused(
    'a position without a quantity',
    'missing-field',
    portfolioWith((p) => delete p.positions[3].quantity),
    /portfolio\.json: positions\[3\]\.quantity: Invalid input: expected number, received undefined/,
  ),

  // Wrong types and values.
  refused(
    'a quantity as a string',
    'wrong-type',
    portfolioWith((p) => (p.positions[0].quantity = '1210.552')),
    /positions\[0\]\.quantity: Invalid input: expected number, received string/,
  ),
  refused(
    'cash in words',
    'wrong-type',
    portfolioWith((p) => (p.accounts[0].cash = 'lots')),
    /accounts\[0\]\.cash: Invalid input: expected number, received string/,
  ),
  refused(
    'a fractional birth year',
    'wrong-type',
    portfolioWith((p) => (p.user.birthYear = 1979.5)),
    /user\.birthYear: Invalid input: expected int, received number/,
  ),
  refused(
    'an unknown account type',
    'wrong-type',
    portfolioWith((p) => (p.accounts[2].type = 'crypto')),
    /accounts\[2\]\.type: must be one of 401k, roth_ira, traditional_ira, taxable, hsa, 529, other/,
  ),
  refused(
    'a price of zero',
    'wrong-type',
    portfolioWith((p) => (p.positions[4].price = 0)),
    /positions\[4\]\.price: must be greater than 0/,
  ),
  refused(
    'a retirement age in words',
    'wrong-type',
    portfolioWith((p) => (p.goals.retirementAge = 'sixty-two')),
    /goals\.retirementAge: Invalid input: expected number, received string/,
  ),
  refused(
    'two accounts with one id',
    'wrong-type',
    portfolioWith((p) => (p.accounts[1].id = '401k')),
    /accounts\[1\]\.id: duplicate account id "401k"/,
  ),
  refused(
    'a classification whose asset classes sum to 90',
    'wrong-type',
    portfolioWith(
      (p) =>
        (p.instruments = [
          {
            symbol: 'NBRWX',
            name: 'Northbridge',
            instrumentType: 'mutual_fund',
            assetClass: { equity: 90 },
            regions: {},
            sectors: {},
            rationale: 'r',
          },
        ]),
    ),
    /instruments\[0\]\.assetClass: weights must sum to 100 \(they sum to 90\)/,
  ),

  // Invalid symbols.
  refused(
    'a lower-case symbol',
    'invalid-symbol',
    portfolioWith((p) => (p.positions[4].symbol = 'vti')),
    /positions\[4\]\.symbol: must be an upper-case ticker/,
  ),
  refused(
    'an empty symbol',
    'invalid-symbol',
    portfolioWith((p) => (p.positions[0].symbol = '')),
    /positions\[0\]\.symbol: must be an upper-case ticker/,
  ),
  refused(
    'a symbol with a Cyrillic look-alike letter',
    'invalid-symbol',
    portfolioWith((p) => (p.positions[4].symbol = 'V\u0422I')),
    /positions\[4\]\.symbol: must be an upper-case ticker/,
  ),
  refused(
    'a symbol starting with a digit',
    'invalid-symbol',
    portfolioWith((p) => (p.positions[5].symbol = '1VWO')),
    /positions\[5\]\.symbol: must be an upper-case ticker/,
  ),
  refused(
    'an ISIN instead of a ticker',
    'invalid-symbol',
    portfolioWith((p) => (p.positions[4].symbol = 'US9229087690')),
    /positions\[4\]\.symbol: must be an upper-case ticker/,
  ),

  // Hostile strings.
  refused(
    'a shell command in a symbol',
    'hostile-string',
    portfolioWith((p) => (p.positions[0].symbol = 'AAPL; rm -rf /')),
    /positions\[0\]\.symbol: must be an upper-case ticker/,
  ),
  refused(
    'a path as the user id',
    'hostile-string',
    portfolioWith((p) => (p.user.id = '../../etc/passwd')),
    /user\.id: must be 1–64 letters, digits/,
  ),
  refused(
    'SQL as an account id',
    'hostile-string',
    portfolioWith((p) => (p.accounts[0].id = "401k'); DELETE FROM users; --")),
    /accounts\[0\]\.id: must be 1–40 letters, digits, _ or -/,
  ),
  refused(
    'a NUL character in the owner name',
    'hostile-string',
    portfolioWith((p) => (p.user.name = 'Sam\u0000Rivera')),
    /portfolio\.json: user\.name: contains a NUL character \(U\+0000\), which cannot be stored/,
  ),
  refused(
    'a NUL character in a position name',
    'hostile-string',
    portfolioWith((p) => (p.positions[3].name = 'Fidelity\u0000ZERO')),
    /portfolio\.json: positions\[3\]\.name: contains a NUL character/,
  ),

  // Oversized.
  refused(
    'a 121-character owner name',
    'oversized',
    portfolioWith((p) => (p.user.name = 'S'.repeat(121))),
    /user\.name: Too big: expected string to have <=120 characters/,
  ),
  refused(
    '2,001 positions',
    'oversized',
    portfolioWith(
      (p) =>
        (p.positions = Array.from({ length: 2001 }, (_, n) => ({
          account: 'taxable',
          symbol: `X${n}`,
          quantity: 1,
          price: 1,
        }))),
    ),
    /positions: Too big: expected array to have <=2000 items/,
  ),
  refused(
    '51 accounts',
    'oversized',
    portfolioWith(
      (p) =>
        (p.accounts = Array.from({ length: 51 }, (_, n) => ({
          id: `a${n}`,
          name: `Account ${n}`,
          type: 'taxable',
          cash: 0,
        }))),
    ),
    /accounts: Too big: expected array to have <=50 items/,
  ),
  refused(
    'an 11 MiB file',
    'oversized',
    portfolioWith((p) => (p.notes = 'x'.repeat(11 * 1024 * 1024))),
    /portfolio\.json is 115\d{5} bytes; a portfolio file may be at most 10485760 bytes/,
  ),
];
