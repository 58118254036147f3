/**
 * Federal income tax on a retiree's year, in today's money: ordinary income (pre-tax
 * withdrawals, pensions, the taxable share of Social Security) through the brackets above the
 * standard deduction, and long-term gains stacked on top through the capital-gains brackets —
 * the 2025 tables vendored in data/federal-tax-2025.json with their source. Or, when the
 * household states one, a flat effective rate.
 */
import table from './data/federal-tax-2025.json' with { type: 'json' };

export type FilingStatus = 'single' | 'married_joint';

export const FEDERAL_TAX_SOURCE = `${table.source} (tax year ${table.year})`;
export const FEDERAL_TAX_YEAR = table.year;

/**
 * Share of Social Security benefits counted as income: the statutory maximum, 85%
 * (IRC 86), which applies once other income is moderate; the provisional-income test below it is
 * not modelled, which overstates the tax of small incomes.
 */
export const TAXABLE_SOCIAL_SECURITY_SHARE = 0.85;

export interface TaxSchedule {
  kind: 'federal' | 'effective';
  /** Bracket floors (taxable income) and rates, ascending. */
  ordinaryFrom: Float64Array;
  ordinaryRate: Float64Array;
  gainsFrom: Float64Array;
  gainsRate: Float64Array;
  /** Tax due at each bracket floor, so a year's tax is one look-up and one multiply. */
  ordinaryBase: Float64Array;
  gainsBase: Float64Array;
  standardDeduction: number;
  /** Extra deduction per person aged 65 or older. */
  additionalAge65: number;
  /** For kind 'effective': the rate on ordinary income and on gains. */
  effectiveRate: number;
  gainsEffectiveRate: number;
  description: string;
}

function basesOf(from: Float64Array, rate: Float64Array): Float64Array {
  const base = new Float64Array(from.length);
  for (let k = 1; k < from.length; k++) base[k] = base[k - 1]! + (from[k]! - from[k - 1]!) * rate[k - 1]!;
  return base;
}

export function federalSchedule(filingStatus: FilingStatus): TaxSchedule {
  const t = table[filingStatus];
  const ordinaryFrom = Float64Array.from(t.ordinary, (b) => b.from);
  const ordinaryRate = Float64Array.from(t.ordinary, (b) => b.rate);
  const gainsFrom = Float64Array.from(t.capitalGains, (b) => b.from);
  const gainsRate = Float64Array.from(t.capitalGains, (b) => b.rate);
  return {
    kind: 'federal',
    ordinaryFrom,
    ordinaryRate,
    gainsFrom,
    gainsRate,
    ordinaryBase: basesOf(ordinaryFrom, ordinaryRate),
    gainsBase: basesOf(gainsFrom, gainsRate),
    standardDeduction: t.standardDeduction,
    additionalAge65: t.additionalAge65,
    effectiveRate: 0,
    gainsEffectiveRate: 0,
    description: `federal ${table.year} brackets and standard deduction, ${filingStatus.replace('_', ' ')} (brackets assumed indexed to inflation)`,
  };
}

export function effectiveRateSchedule(rate: number, gainsRate: number): TaxSchedule {
  const none = new Float64Array(0);
  return {
    kind: 'effective',
    ordinaryFrom: none,
    ordinaryRate: none,
    gainsFrom: none,
    gainsRate: none,
    ordinaryBase: none,
    gainsBase: none,
    standardDeduction: 0,
    additionalAge65: 0,
    effectiveRate: rate,
    gainsEffectiveRate: gainsRate,
    description: `stated effective rate ${round2(rate * 100)}% on ordinary income, ${round2(gainsRate * 100)}% on realised gains`,
  };
}

/** No tax at all: the household said taxes are not to be modelled. */
export function noTaxSchedule(): TaxSchedule {
  return { ...effectiveRateSchedule(0, 0), description: 'taxes not modelled' };
}

/** Tax on the progressive schedule from 0 to taxable income `x` (x >= 0). */
function progressive(from: Float64Array, rate: Float64Array, base: Float64Array, x: number): number {
  let k = 0;
  while (k + 1 < from.length && x >= from[k + 1]!) k++;
  return base[k]! + (x - from[k]!) * rate[k]!;
}

/**
 * The year's tax on `ordinary` income and `gains` (long-term, realised), with `deduction`:
 * the deduction comes off ordinary income first, and what is left of it off the gains.
 */
export function taxOn(schedule: TaxSchedule, ordinary: number, gains: number, deduction: number): number {
  if (schedule.kind === 'effective') return schedule.effectiveRate * ordinary + schedule.gainsEffectiveRate * gains;
  const taxableOrdinary = ordinary > deduction ? ordinary - deduction : 0;
  const leftover = deduction > ordinary ? deduction - ordinary : 0;
  const taxableGains = gains > leftover ? gains - leftover : 0;
  const ordinaryTax = progressive(schedule.ordinaryFrom, schedule.ordinaryRate, schedule.ordinaryBase, taxableOrdinary);
  if (taxableGains <= 0) return ordinaryTax;
  // Gains sit on top of ordinary income: the gains brackets apply between the two levels.
  const { gainsFrom, gainsRate, gainsBase } = schedule;
  return (
    ordinaryTax +
    progressive(gainsFrom, gainsRate, gainsBase, taxableOrdinary + taxableGains) -
    progressive(gainsFrom, gainsRate, gainsBase, taxableOrdinary)
  );
}

/** Rate of the bracket holding taxable income `x` (ascending floors). */
function rateAt(from: Float64Array, rate: Float64Array, x: number): number {
  let k = 0;
  while (k + 1 < from.length && x >= from[k + 1]!) k++;
  return rate[k]!;
}

/**
 * The rate on the next dollar of ordinary income (0 while the deduction covers it). Used only
 * to size a gross-up step, which the exact taxOn then checks, so the gains it pushes up a
 * bracket are left out.
 */
export function marginalOrdinaryRate(schedule: TaxSchedule, ordinary: number, deduction: number): number {
  if (schedule.kind === 'effective') return schedule.effectiveRate;
  if (ordinary < deduction) return 0;
  return rateAt(schedule.ordinaryFrom, schedule.ordinaryRate, ordinary - deduction);
}

/** The rate on the next dollar of long-term gains, stacked on ordinary income. */
export function marginalGainsRate(schedule: TaxSchedule, ordinary: number, gains: number, deduction: number): number {
  if (schedule.kind === 'effective') return schedule.gainsEffectiveRate;
  const top = ordinary + gains - deduction;
  if (top < 0) return 0;
  return rateAt(schedule.gainsFrom, schedule.gainsRate, top);
}

/** The year's deduction for a household with `over65` people aged 65 or older. */
export function deductionFor(schedule: TaxSchedule, over65: number): number {
  return schedule.standardDeduction + over65 * schedule.additionalAge65;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
