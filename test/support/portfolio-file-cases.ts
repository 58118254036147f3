/** Cases for the portfolio-file parser's tests: a valid file with one change, and the refusal a file gets. */
import { expect } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { parsePortfolioFile } from '#services/common/portfolio-file.ts';

/** The JSON file `text` with `change` applied to its parsed form. */
export function changedFile(text: string, change: (p: any) => void): string {
  const p = JSON.parse(text);
  change(p);
  return JSON.stringify(p);
}

/** The message of the InvalidInputError the parser refuses `text` with; fails when it accepts it. */
export function refusalOf(text: string): string {
  try {
    parsePortfolioFile(text, 'p.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}
