/**
 * The portfolio file a user hands to `alex analyze`: owner, goals, accounts with cash, and
 * positions. Checked field by field so a mistake is reported with its path and what to do.
 */
import * as z from 'zod';
import { formatPath, InvalidInputError, NUL_CHARACTER_PROBLEM, pathToNulCharacter } from '#events/errors.ts';
import { ACCOUNT_TYPES, AssetClassAllocation, Classification, Goals, Ticker, UserId } from '#events/values.ts';

const AccountId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1–40 letters, digits, _ or - (for example "roth" or "401k")');

/** The largest yearly contribution, spending or other income the projection accepts. */
export const MAX_YEARLY_AMOUNT = 1e9;

export const PortfolioFile = z
  .object({
    user: z.object({
      id: UserId,
      name: z.string().min(1).max(120),
      birthYear: z.number().int().min(1900).max(new Date().getUTCFullYear()),
    }),
    goals: Goals.extend({ targetAllocation: AssetClassAllocation.optional() }),
    accounts: z
      .array(
        z.object({
          id: AccountId,
          name: z.string().min(1).max(120),
          type: z.enum(ACCOUNT_TYPES, { error: `must be one of ${ACCOUNT_TYPES.join(', ')}` }),
          cash: z
            .number()
            .finite()
            .min(0, 'must not be negative')
            .max(1e13, 'must be at most $10,000,000,000,000')
            .default(0),
        }),
      )
      .min(1, 'list at least one account')
      .max(50),
    positions: z
      .array(
        z.object({
          account: AccountId,
          symbol: Ticker,
          name: z.string().max(200).optional(),
          quantity: z
            .number()
            .finite()
            .positive('must be greater than 0 (remove the position if it was sold)')
            .max(1e12, 'must be at most 1,000,000,000,000 units'),
          /** Price per unit in USD; when absent the planner looks for a market price. */
          price: z
            .number()
            .finite()
            .positive('must be greater than 0')
            .max(1e9, 'must be at most $1,000,000,000 a unit')
            .optional(),
        }),
      )
      .max(2000),
    /** Classifications the user supplies for instruments the reference data lacks. */
    instruments: z
      .array(Classification.omit({ source: true }))
      .max(500)
      .default([]),
  })
  .superRefine((file, ctx) => {
    const accountIds = new Set<string>();
    file.accounts.forEach((account, index) => {
      if (accountIds.has(account.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', index, 'id'],
          message: `duplicate account id "${account.id}"; each account needs its own id`,
        });
      }
      accountIds.add(account.id);
    });
    const seen = new Set<string>();
    file.positions.forEach((position, index) => {
      if (!accountIds.has(position.account)) {
        ctx.addIssue({
          code: 'custom',
          path: ['positions', index, 'account'],
          message: `unknown account "${position.account}"; accounts in this file are ${[...accountIds].join(', ')}`,
        });
      }
      if (position.price !== undefined && position.quantity * position.price > 1e13) {
        ctx.addIssue({
          code: 'custom',
          path: ['positions', index, 'quantity'],
          message: `quantity × price is ${position.quantity * position.price}, more than $10,000,000,000,000; check the quantity and the price`,
        });
      }
      const key = `${position.account}/${position.symbol}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['positions', index, 'symbol'],
          message: `${position.symbol} appears twice in account "${position.account}"; merge the two positions into one`,
        });
      }
      seen.add(key);
    });
    // Amounts the retirement engine can project: a year's money beyond this is a typo, and
    // numbers near Number.MAX_VALUE overflow the projection into Infinity.
    for (const field of ['annualContribution', 'annualSpending', 'otherIncome'] as const) {
      if (file.goals[field] > MAX_YEARLY_AMOUNT)
        ctx.addIssue({
          code: 'custom',
          path: ['goals', field],
          message: `must be at most $${MAX_YEARLY_AMOUNT.toLocaleString('en-US')} a year`,
        });
    }
    // Income that belongs to a spouse needs the spouse's birth year for its ages.
    for (const field of ['socialSecurity', 'pensions'] as const) {
      // Stryker disable next-line ArrayDeclaration: equivalent, a stand-in element has no person, so no issue
      (file.goals[field] ?? []).forEach((stream, index) => {
        if (stream.person === 'spouse' && !file.goals.spouse)
          ctx.addIssue({
            code: 'custom',
            path: ['goals', field, index, 'person'],
            message: 'is "spouse" but goals.spouse is missing; add "spouse": {"birthYear": …} to goals',
          });
      });
    }
    (file.goals.taxes?.costBasis ?? []).forEach((entry, index) => {
      if (!seen.has(`${entry.account}/${entry.symbol}`))
        ctx.addIssue({
          code: 'custom',
          path: ['goals', 'taxes', 'costBasis', index],
          message: `names ${entry.symbol} in account "${entry.account}", which is not a position in this file; fix the account or symbol, or remove the entry`,
        });
    });
    // Stryker disable next-line ArrayDeclaration: equivalent, one stand-in element is never a repeated claimant
    const claimants = (file.goals.socialSecurity ?? []).map((claim) => claim.person);
    if (new Set(claimants).size < claimants.length)
      ctx.addIssue({
        code: 'custom',
        path: ['goals', 'socialSecurity'],
        message: 'lists the same person twice; give one entry for the owner and at most one for the spouse',
      });
    const age = new Date().getUTCFullYear() - file.user.birthYear;
    if (age >= file.goals.lifeExpectancy) {
      ctx.addIssue({
        code: 'custom',
        path: ['goals', 'lifeExpectancy'],
        message: `is ${file.goals.lifeExpectancy}, but the owner (born ${file.user.birthYear}) is already ${age}; set it above ${age}`,
      });
    }
    if (file.goals.lifeExpectancy <= file.goals.retirementAge) {
      ctx.addIssue({
        code: 'custom',
        path: ['goals', 'lifeExpectancy'],
        message: 'must be greater than goals.retirementAge',
      });
    }
  });

export type PortfolioFile = z.output<typeof PortfolioFile>;

/**
 * The largest file accepted. The schema's own limits (500 instruments with 2,000-character
 * rationales and 20 sources of 500, 2,000 positions, 50 accounts) come to about 7 MB at most;
 * anything far beyond that is not a portfolio, and is refused before it is parsed.
 */
export const MAX_PORTFOLIO_FILE_BYTES = 10 * 1024 * 1024;

export function portfolioFileTooLarge(fileName: string, bytes: number): string {
  return `${fileName} is ${bytes} bytes; a portfolio file may be at most ${MAX_PORTFOLIO_FILE_BYTES} bytes (10 MiB)`;
}

/** Parses the text of a portfolio file; every problem is an InvalidInputError naming the field. */
export function parsePortfolioFile(text: string, fileName = 'portfolio'): PortfolioFile {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PORTFOLIO_FILE_BYTES) throw new InvalidInputError(portfolioFileTooLarge(fileName, bytes));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${fileName} is not valid JSON: ${(error as Error).message}`);
  }
  const nul = pathToNulCharacter(raw);
  if (nul) throw new InvalidInputError(`${fileName}: ${formatPath(nul).replace(/^\./, '')}: ${NUL_CHARACTER_PROBLEM}`);
  const result = PortfolioFile.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${formatPath(issue.path).replace(/^\./, '') || '(file)'}: ${issue.message}`,
  );
  const head = `${fileName}: ${issues[0]}`;
  throw new InvalidInputError(issues.length === 1 ? head : `${head} (and ${issues.length - 1} more)`, issues);
}
