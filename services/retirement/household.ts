/**
 * The household the planning engine projects, read from the snapshot: balances by tax treatment
 * (with the taxable account's cost basis), Social Security and pensions on the owner's age line,
 * the tax schedule, the RMD ages and the withdrawal strategy. `cashflowPlanOf` turns it into the
 * engine's per-year arrays, for a retirement age and spending that the sensitivity grid varies.
 */
import type { Snapshot } from '#events/values.ts';
import type { Bucket, CashflowPlan } from './cashflow.ts';
import { rmdFractions, rmdStartAge } from './rmd.ts';
import { claimedBenefit, fullRetirementAgeMonths } from './social-security.ts';
import {
  DEFAULT_GUARDRAILS_RATE,
  DEFAULT_PERCENTAGE_RATE,
  type Strategy,
  type StrategyKind,
  vpwRate,
} from './strategies.ts';
import {
  deductionFor,
  effectiveRateSchedule,
  type FilingStatus,
  federalSchedule,
  noTaxSchedule,
  TAXABLE_SOCIAL_SECURITY_SHARE,
  type TaxSchedule,
} from './taxes.ts';

export const DEFAULT_WITHDRAWAL_ORDER: readonly Bucket[] = ['taxable', 'pre_tax', 'roth'];
const DEFAULT_GAINS_RATE = 0.15;

/** How each account type is taxed on withdrawal. HSA and 529 are read as tax-free (qualified use). */
const BUCKET_OF: Record<Snapshot['accounts'][number]['type'], Bucket> = {
  '401k': 'pre_tax',
  traditional_ira: 'pre_tax',
  roth_ira: 'roth',
  hsa: 'roth',
  '529': 'roth',
  taxable: 'taxable',
  other: 'taxable',
};

export interface IncomeStream {
  label: string;
  /** Owner's age when it starts. */
  startAge: number;
  /** Yearly amount: today's money when cola, else fixed dollars. */
  annualAmount: number;
  cola: boolean;
  /** Share counted as ordinary income. */
  taxableShare: number;
  /** goals.otherIncome: starts at whatever retirement age the plan varies to. */
  fromRetirement?: boolean;
}

export interface Household {
  birthYear: number;
  currentAge: number;
  retirementAge: number;
  lifeExpectancy: number;
  contribution: number;
  spending: number;
  balances: { taxable: number; taxableBasis: number; preTax: number; roth: number };
  basisAssumed: boolean;
  annualFee: number;
  income: IncomeStream[];
  people: { birthYear: number }[];
  tax: TaxSchedule;
  order: readonly Bucket[];
  strategy: Strategy;
  /** Stocks and real estate: the VPW table's stock share. */
  stockShare: number;
  rmdStartAge: number;
}

export function householdOf(snapshot: Snapshot, stockShare: number, annualFee: number): Household {
  const { goals } = snapshot;
  const birthYear = snapshot.owner.birthYear;
  const currentAge = new Date(snapshot.asOf).getUTCFullYear() - birthYear;
  const spouseBirthYear = goals.spouse?.birthYear;
  const { balances, basisAssumed } = balancesOf(snapshot);
  const taxes = goals.taxes;
  const filing: FilingStatus = taxes?.filingStatus ?? (spouseBirthYear ? 'married_joint' : 'single');
  const schedule =
    taxes?.model === false
      ? noTaxSchedule()
      : taxes?.effectiveRate !== undefined
        ? effectiveRateSchedule(taxes.effectiveRate, taxes.capitalGainsRate ?? DEFAULT_GAINS_RATE)
        : federalSchedule(filing);
  // A household named for two people but with no spouse in the file is taxed as single: say why,
  // and how to file jointly, rather than leave the reader to guess.
  const tax =
    schedule.kind === 'federal' && taxes?.filingStatus === undefined && !spouseBirthYear
      ? {
          ...schedule,
          description: `${schedule.description}; single because the file names no spouse (goals.spouse with a birthYear files jointly)`,
        }
      : schedule;
  const kind: StrategyKind = goals.withdrawalStrategy?.type ?? 'constant-dollar';
  return {
    birthYear,
    currentAge,
    retirementAge: Math.max(goals.retirementAge, currentAge),
    lifeExpectancy: goals.lifeExpectancy,
    contribution: goals.annualContribution,
    spending: goals.annualSpending,
    balances,
    basisAssumed,
    annualFee,
    income: incomeStreams(snapshot, spouseBirthYear),
    people: spouseBirthYear ? [{ birthYear }, { birthYear: spouseBirthYear }] : [{ birthYear }],
    tax,
    order: taxes?.withdrawalOrder ?? DEFAULT_WITHDRAWAL_ORDER,
    strategy: { kind, rate: goals.withdrawalStrategy?.rate ?? defaultRate(kind) },
    stockShare,
    rmdStartAge: rmdStartAge(birthYear),
  };
}

export function defaultRate(kind: StrategyKind): number | undefined {
  if (kind === 'constant-percentage') return DEFAULT_PERCENTAGE_RATE;
  if (kind === 'guyton-klinger') return DEFAULT_GUARDRAILS_RATE;
  return undefined;
}

function balancesOf(snapshot: Snapshot): { balances: Household['balances']; basisAssumed: boolean } {
  const bucketOf = new Map(snapshot.accounts.map((a) => [a.id, BUCKET_OF[a.type]]));
  const basisOf = new Map(
    (snapshot.goals.taxes?.costBasis ?? []).map((b) => [`${b.account}/${b.symbol}`, b.costBasis]),
  );
  const balances = { taxable: 0, taxableBasis: 0, preTax: 0, roth: 0 };
  let basisAssumed = false;
  const add = (bucket: Bucket, value: number, basis: number) => {
    if (bucket === 'taxable') {
      balances.taxable += value;
      balances.taxableBasis += basis;
    } else if (bucket === 'pre_tax') balances.preTax += value;
    else balances.roth += value;
  };
  for (const account of snapshot.accounts) add(bucketOf.get(account.id) ?? 'taxable', account.cash, account.cash);
  for (const position of snapshot.positions) {
    const bucket = bucketOf.get(position.accountId) ?? 'taxable';
    const stated = basisOf.get(`${position.accountId}/${position.symbol}`);
    if (bucket === 'taxable' && stated === undefined && position.value > 0) basisAssumed = true;
    add(bucket, position.value, stated ?? position.value);
  }
  return { balances, basisAssumed };
}

function incomeStreams(snapshot: Snapshot, spouseBirthYear: number | undefined): IncomeStream[] {
  const { goals } = snapshot;
  const owner = snapshot.owner.birthYear;
  // A spouse born later reaches each age later on the owner's age line.
  const onOwnerLine = (person: 'owner' | 'spouse', age: number) =>
    person === 'spouse' && spouseBirthYear !== undefined ? age + (spouseBirthYear - owner) : age;
  const streams: IncomeStream[] = [];
  for (const claim of goals.socialSecurity ?? []) {
    const born = claim.person === 'spouse' && spouseBirthYear !== undefined ? spouseBirthYear : owner;
    const fra = fullRetirementAgeMonths(born);
    streams.push({
      label: `Social Security (${claim.person}, claimed at ${claim.claimingAge}; full retirement age ${Math.floor(fra / 12)}${fra % 12 ? ` and ${fra % 12} months` : ''})`,
      startAge: onOwnerLine(claim.person, claim.claimingAge),
      annualAmount: claimedBenefit(claim.benefitAtFullRetirementAge, born, claim.claimingAge),
      cola: true,
      taxableShare: TAXABLE_SOCIAL_SECURITY_SHARE,
    });
  }
  (goals.pensions ?? []).forEach((pension, index) => {
    streams.push({
      label: `Pension ${index + 1} (${pension.person}, from ${pension.startAge}, ${pension.cola ? 'with' : 'without'} COLA)`,
      startAge: onOwnerLine(pension.person, pension.startAge),
      annualAmount: pension.annualAmount,
      cola: pension.cola,
      taxableShare: 1,
    });
  });
  if (goals.otherIncome > 0) {
    streams.push({
      label: 'Other income (goals.otherIncome, from retirement, with inflation)',
      startAge: Math.max(goals.retirementAge, 0),
      annualAmount: goals.otherIncome,
      cola: true,
      taxableShare: 1,
      fromRetirement: true,
    });
  }
  return streams;
}

export interface PlanVariation {
  retirementAge?: number;
  /** Multiplies the planned spending (0.9 = 10% less). */
  spendingScale?: number;
  spending?: number;
  strategy?: Strategy;
}

/** The engine's plan for this household, optionally retiring at another age or spending another amount. */
export function cashflowPlanOf(h: Household, variation: PlanVariation = {}): CashflowPlan {
  const retirementAge = Math.max(h.currentAge, variation.retirementAge ?? h.retirementAge);
  const accumulationYears = retirementAge - h.currentAge;
  const withdrawalYears = Math.max(0, h.lifeExpectancy - retirementAge);
  const ages = Array.from({ length: withdrawalYears }, (_, t) => retirementAge + t);
  const incomeReal = new Float64Array(withdrawalYears);
  const incomeRealTaxable = new Float64Array(withdrawalYears);
  const incomeNominal = new Float64Array(withdrawalYears);
  ages.forEach((age, t) => {
    for (const stream of h.income) {
      const start = stream.fromRetirement ? retirementAge : stream.startAge;
      if (age < start) continue;
      if (stream.cola) {
        incomeReal[t] = incomeReal[t]! + stream.annualAmount;
        incomeRealTaxable[t] = incomeRealTaxable[t]! + stream.annualAmount * stream.taxableShare;
      } else incomeNominal[t] = incomeNominal[t]! + stream.annualAmount;
    }
  });
  const deductions = Float64Array.from(ages, (age) => {
    const over65 = h.people.filter((p) => age - (p.birthYear - h.birthYear) >= 65);
    return deductionFor(h.tax, over65.length);
  });
  const strategy = variation.strategy ?? h.strategy;
  return {
    accumulationYears,
    withdrawalYears,
    contribution: h.contribution,
    taxable: h.balances.taxable,
    taxableBasis: h.balances.taxableBasis,
    preTax: h.balances.preTax,
    roth: h.balances.roth,
    annualFee: h.annualFee,
    spending: variation.spending ?? h.spending * (variation.spendingScale ?? 1),
    strategy: strategy.kind,
    strategyRate: strategy.rate ?? defaultRate(strategy.kind) ?? 0,
    vpwRates: Float64Array.from(ages, (age) => vpwRate(age, h.stockShare)),
    incomeReal,
    incomeRealTaxable,
    incomeNominal,
    rmdFractions: rmdFractions(h.birthYear, ages),
    deductions,
    tax: h.tax,
    order: h.order,
  };
}
