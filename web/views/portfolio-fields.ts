/**
 * The portfolio's form fields and how a submitted form becomes part of the portfolio: each input
 * is named by its API field path (`positions[3].quantity`), so the API's problems land beside it.
 * A number field that is not a number is sent as typed, for the API to name the mistake.
 */
import { currentSession } from '../session.ts';
import { ACCOUNT_TYPES, type Account, type Portfolio, type Position } from '../types.ts';
import { field, numberOf, select, valueOf } from './forms.ts';

export function householdFields(p: Portfolio | null): HTMLElement[] {
  const goals = p?.goals;
  return [
    field('user.name', 'Household name', p?.user.name, { autocomplete: 'name' }),
    field('user.birthYear', 'Birth year', p?.user.birthYear, { inputmode: 'numeric' }),
    field('goals.retirementAge', 'Retirement age', goals?.retirementAge, { inputmode: 'numeric' }),
    field('goals.lifeExpectancy', 'Plan to age', goals?.lifeExpectancy ?? 95, { inputmode: 'numeric' }),
    field('goals.annualContribution', 'Yearly contribution until retirement ($)', goals?.annualContribution ?? 0, {
      inputmode: 'decimal',
    }),
    field('goals.annualSpending', 'Yearly spending in retirement, today’s money ($)', goals?.annualSpending, {
      inputmode: 'decimal',
    }),
    field('goals.otherIncome', 'Other yearly income in retirement ($)', goals?.otherIncome ?? 0, {
      inputmode: 'decimal',
      hint: 'Pensions, Social Security.',
    }),
  ];
}

export function householdOf(form: HTMLFormElement, base: Portfolio | null): Pick<Portfolio, 'user' | 'goals'> {
  return {
    user: {
      id: currentSession()?.userId ?? '',
      name: valueOf(form, 'user.name'),
      birthYear: numberOf(valueOf(form, 'user.birthYear')) as number,
    },
    goals: {
      ...(base?.goals ?? {}),
      retirementAge: numberOf(valueOf(form, 'goals.retirementAge')) as number,
      lifeExpectancy: numberOf(valueOf(form, 'goals.lifeExpectancy')) as number,
      annualContribution: numberOf(valueOf(form, 'goals.annualContribution')) as number,
      annualSpending: numberOf(valueOf(form, 'goals.annualSpending')) as number,
      otherIncome: numberOf(valueOf(form, 'goals.otherIncome')) as number,
    },
  };
}

export function accountFields(index: number, account?: Account): HTMLElement[] {
  const at = `accounts[${index}]`;
  return [
    field(`${at}.id`, 'Account id', account?.id, { hint: 'Short and unique, for example roth or 401k.' }),
    field(`${at}.name`, 'Account name', account?.name),
    select(`${at}.type`, 'Account type', account?.type ?? 'taxable', ACCOUNT_TYPES),
    field(`${at}.cash`, 'Cash ($)', account?.cash ?? 0, { inputmode: 'decimal' }),
  ];
}

export function accountOf(form: HTMLFormElement, index: number): Account {
  const at = `accounts[${index}]`;
  return {
    id: valueOf(form, `${at}.id`),
    name: valueOf(form, `${at}.name`),
    type: valueOf(form, `${at}.type`),
    cash: numberOf(valueOf(form, `${at}.cash`)) as number,
  };
}

export function positionFields(index: number, accounts: Account[], position?: Position): HTMLElement[] {
  const at = `positions[${index}]`;
  return [
    select(
      `${at}.account`,
      'Account',
      position?.account ?? accounts[0]?.id ?? '',
      accounts.map((a) => [a.id, a.name]),
    ),
    field(`${at}.symbol`, 'Symbol', position?.symbol, { hint: 'The ticker in capitals, for example VTI.' }),
    field(`${at}.name`, 'Name (optional)', position?.name, {
      hint: 'Helps classify an instrument the reference data lacks.',
    }),
    field(`${at}.quantity`, 'Quantity', position?.quantity, { inputmode: 'decimal' }),
    field(`${at}.price`, 'Price per unit ($, optional)', position?.price, {
      inputmode: 'decimal',
      hint: 'Without a price the position is reported as unpriced.',
    }),
  ];
}

export function positionOf(form: HTMLFormElement, index: number): Position {
  const at = `positions[${index}]`;
  const name = valueOf(form, `${at}.name`);
  const price = numberOf(valueOf(form, `${at}.price`));
  return {
    account: valueOf(form, `${at}.account`),
    symbol: valueOf(form, `${at}.symbol`),
    ...(name ? { name } : {}),
    quantity: numberOf(valueOf(form, `${at}.quantity`)) as number,
    ...(price === undefined ? {} : { price: price as number }),
  };
}
