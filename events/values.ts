/**
 * Value schemas carried inside events: the portfolio snapshot the planner freezes, instrument
 * classifications, and each specialist's result. They are the vocabulary of the event catalog,
 * so they live beside it and are exported to JSON Schema with it.
 */
import * as z from 'zod';

export const ASSET_CLASSES = ['equity', 'fixed_income', 'real_estate', 'commodities', 'cash'] as const;
export const REGIONS = ['north_america', 'europe', 'asia_pacific', 'emerging_markets', 'other'] as const;
export const SECTORS = [
  'information_technology',
  'health_care',
  'financials',
  'consumer_discretionary',
  'communication_services',
  'industrials',
  'consumer_staples',
  'energy',
  'utilities',
  'real_estate',
  'materials',
  'government',
  'corporate',
  'securitized',
  'commodity',
  'cash',
  'other',
] as const;
export const TASKS = ['report', 'charts', 'retirement'] as const;
export const INSTRUMENT_TYPES = ['etf', 'mutual_fund', 'stock', 'bond', 'commodity', 'cash', 'other'] as const;
export const ACCOUNT_TYPES = ['401k', 'roth_ira', 'traditional_ira', 'taxable', 'hsa', '529', 'other'] as const;

export type AssetClass = (typeof ASSET_CLASSES)[number];
export type Region = (typeof REGIONS)[number];
export type Sector = (typeof SECTORS)[number];
export type Task = (typeof TASKS)[number];

/** Tolerance for "sums to 100": published weights are rounded to one or two decimals. */
export const ALLOCATION_TOLERANCE = 0.05;

export const SYMBOL_PATTERN = /^[A-Z][A-Z0-9]{0,9}(?:[.-][A-Z0-9]{1,4})?$/;
export const Ticker = z
  .string()
  .regex(
    SYMBOL_PATTERN,
    'must be an upper-case ticker such as VTI, BRK.B or 7203-T (1–10 letters or digits, starting with a letter)',
  );

/** Any 8-4-4-4-12 hex id, the shape of a jobId or schedule id in a path or argument (no version check). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const JobId = z.uuid('must be a UUID, for example 3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10');
export const UserId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/,
    'must be 1–64 letters, digits, or _ . @ - (starting with a letter or digit)',
  );
export const IsoTime = z.iso.datetime({ offset: true });
export const Money = z.number().finite();
export const Task = z.enum(TASKS);

/** Percent weights by key; a complete allocation sums to 100 within ALLOCATION_TOLERANCE. */
export function allocationOf<K extends readonly [string, ...string[]]>(keys: K) {
  return z.partialRecord(z.enum(keys), z.number().min(0).max(100)).superRefine((weights, ctx) => {
    const values = Object.values(weights) as number[];
    if (values.length === 0) return;
    const total = values.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 100) > ALLOCATION_TOLERANCE) {
      ctx.addIssue({ code: 'custom', message: `weights must sum to 100 (they sum to ${round(total, 2)})` });
    }
  });
}
export const AssetClassAllocation = allocationOf(ASSET_CLASSES);
export const RegionAllocation = allocationOf(REGIONS);
export const SectorAllocation = allocationOf(SECTORS);
export type Allocation<K extends string = string> = Partial<Record<K, number>>;

export const ClassificationSource = z.enum(['reference', 'model', 'portfolio', 'unclassified']);

export const Classification = z.object({
  symbol: Ticker,
  name: z.string().max(200),
  instrumentType: z.enum(INSTRUMENT_TYPES),
  assetClass: AssetClassAllocation,
  regions: RegionAllocation,
  sectors: SectorAllocation,
  source: ClassificationSource,
  rationale: z.string().max(2000),
  sources: z.array(z.string().max(500)).max(20).default([]),
});
export type Classification = z.infer<typeof Classification>;

/**
 * Capital-market assumptions a user states instead of the defaults (which are computed from the
 * 1928–2024 returns): arithmetic mean nominal return and volatility per asset class, inflation.
 */
export const MarketAssumptionOverrides = z
  .object({
    expectedReturn: z
      .partialRecord(z.enum(ASSET_CLASSES), z.number().min(-0.5).max(0.5, 'must be a yearly fraction (0.07 = 7%)'))
      .optional(),
    volatility: z
      .partialRecord(z.enum(ASSET_CLASSES), z.number().min(0).max(1, 'must be a yearly fraction (0.18 = 18%)'))
      .optional(),
    inflation: z.number().min(-0.05).max(0.2, 'must be a yearly fraction (0.025 = 2.5%)').optional(),
  })
  .strict();
export type MarketAssumptionOverrides = z.infer<typeof MarketAssumptionOverrides>;

/** Social Security for one person: the yearly benefit at full retirement age and when it is claimed. */
export const SocialSecurityClaim = z.object({
  person: z.enum(['owner', 'spouse']).default('owner'),
  /** Yearly benefit at full retirement age (the SSA statement's figure), today's money. */
  benefitAtFullRetirementAge: Money.min(0).max(1e6, 'must be a yearly amount in dollars'),
  claimingAge: z
    .number()
    .int()
    .min(62, 'Social Security can be claimed from 62')
    .max(70, 'credits stop at 70; claim by 70'),
});
export type SocialSecurityClaim = z.infer<typeof SocialSecurityClaim>;

export const Pension = z.object({
  person: z.enum(['owner', 'spouse']).default('owner'),
  /** Yearly amount when it starts, today's money. */
  annualAmount: Money.min(0).max(1e7, 'must be a yearly amount in dollars'),
  startAge: z.number().int().min(40).max(100),
  /** True when it rises with inflation; false when fixed in dollars (it loses real value). */
  cola: z.boolean().default(false),
});
export type Pension = z.infer<typeof Pension>;

export const WITHDRAWAL_STRATEGIES = ['constant-dollar', 'constant-percentage', 'vpw', 'guyton-klinger'] as const;
export const WithdrawalStrategy = z.object({
  type: z.enum(WITHDRAWAL_STRATEGIES, { error: `must be one of ${WITHDRAWAL_STRATEGIES.join(', ')}` }),
  /** constant-percentage: the yearly rate (default 0.04); guyton-klinger: the initial rate (default 0.05). */
  rate: z.number().gt(0).max(0.2, 'must be a yearly fraction (0.05 = 5%)').optional(),
});
export type WithdrawalStrategy = z.infer<typeof WithdrawalStrategy>;

export const TAX_BUCKETS = ['taxable', 'pre_tax', 'roth'] as const;
/** Each tax bucket as a reader would say it, for reports and notes. */
export const TAX_BUCKET_WORDS: Record<(typeof TAX_BUCKETS)[number], string> = {
  taxable: 'taxable',
  pre_tax: 'pre-tax',
  roth: 'Roth',
};
export const TaxSettings = z
  .object({
    filingStatus: z.enum(['single', 'married_joint']).optional(),
    /** A stated effective rate on ordinary income instead of the federal brackets. */
    effectiveRate: z.number().min(0).max(0.6, 'must be a fraction (0.18 = 18%)').optional(),
    /** With effectiveRate: the rate on realised gains (default 0.15). */
    capitalGainsRate: z.number().min(0).max(0.4, 'must be a fraction (0.15 = 15%)').optional(),
    /** Which accounts pay first; default taxable, then pre_tax, then roth. */
    withdrawalOrder: z
      .array(z.enum(TAX_BUCKETS))
      .length(3)
      .refine((order) => new Set(order).size === 3, 'list taxable, pre_tax and roth once each')
      .optional(),
    /** Cost basis of taxable positions (total USD paid); a position not listed is taken at today's value. */
    costBasis: z
      .array(z.object({ account: z.string(), symbol: z.string(), costBasis: Money.min(0) }))
      .max(2000)
      .optional(),
    /** False: do not model taxes at all. */
    model: z.boolean().default(true),
  })
  .strict();
export type TaxSettings = z.infer<typeof TaxSettings>;

export const Goals = z.object({
  retirementAge: z.number().int().min(30).max(90),
  lifeExpectancy: z.number().int().min(50).max(120).default(95),
  annualContribution: Money.min(0).default(0),
  /** Spending wanted in retirement, in today's money, before other income. */
  annualSpending: Money.min(0),
  /** Guaranteed income in retirement (Social Security, pension), in today's money. */
  otherIncome: Money.min(0).default(0),
  targetAllocation: AssetClassAllocation.optional(),
  /** Market assumptions for the retirement projection, instead of the historical defaults. */
  marketAssumptions: MarketAssumptionOverrides.optional(),
  /** The spouse, when Social Security or a pension is theirs. */
  spouse: z.object({ birthYear: z.number().int().min(1900).max(2100) }).optional(),
  socialSecurity: z.array(SocialSecurityClaim).max(2).optional(),
  pensions: z.array(Pension).max(10).optional(),
  taxes: TaxSettings.optional(),
  withdrawalStrategy: WithdrawalStrategy.optional(),
});
export type Goals = z.infer<typeof Goals>;

export const SnapshotAccount = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(ACCOUNT_TYPES),
  cash: Money.min(0),
});

export const PriceSource = z.enum(['portfolio', 'reference', 'market', 'missing']);

export const SnapshotPosition = z.object({
  accountId: z.string(),
  symbol: Ticker,
  quantity: z.number().min(0),
  /** null when no price could be found: reported as missing, never invented. */
  price: z.number().positive().nullable(),
  priceSource: PriceSource,
  value: Money.min(0),
});
export type SnapshotPosition = z.infer<typeof SnapshotPosition>;

export const Snapshot = z.object({
  userId: UserId,
  asOf: IsoTime,
  currency: z.literal('USD'),
  owner: z.object({ name: z.string(), birthYear: z.number().int().min(1900).max(2100) }),
  goals: Goals,
  accounts: z.array(SnapshotAccount),
  positions: z.array(SnapshotPosition),
  instruments: z.array(Classification),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const ChartDatum = z.object({
  label: z.string(),
  value: z.number().finite(),
  percent: z.number().finite().optional(),
});
export const Chart = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  type: z.enum(['pie', 'donut', 'bar', 'horizontalBar', 'line', 'area']),
  title: z.string(),
  description: z.string(),
  unit: z.enum(['USD', 'percent']).default('USD'),
  data: z.array(ChartDatum),
});
export type Chart = z.infer<typeof Chart>;
export const ChartsResult = z.object({ charts: z.array(Chart) });
export type ChartsResult = z.infer<typeof ChartsResult>;

export const Recommendation = z.object({
  title: z.string(),
  recommendation: z.string(),
  reasoning: z.string(),
  impact: z.string(),
  priority: z.enum(['high', 'medium', 'low']),
});
export type Recommendation = z.infer<typeof Recommendation>;

/**
 * A passage of the knowledge base the report cites: which document and passage, how it ranked,
 * and a quote from it with every sentence that states a figure left out (figures in a report
 * are computed facts only).
 */
export const Citation = z.object({
  documentId: z.string(),
  passageKey: z.string(),
  /** The passage's index in its document, from 0. */
  passage: z.number().int().min(0),
  title: z.string(),
  source: z.string(),
  date: z.string().optional(),
  /** Hybrid search's fused score (reciprocal rank fusion): higher ranks better. */
  score: z.number(),
  /** What in the portfolio it was looked up for, e.g. "your largest asset class, equities". */
  topic: z.string(),
  /** Sentences of the passage without digits; empty when every sentence states a figure. */
  quote: z.string(),
});
export type Citation = z.infer<typeof Citation>;

export const ReportResult = z.object({
  markdown: z.string(),
  recommendations: z.array(Recommendation),
  /** The computed facts the text was written from; every figure in the text comes from here. */
  facts: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  writer: z.object({ model: z.string(), offline: z.boolean(), fallback: z.boolean() }),
  /** Knowledge-base passages the report cites in its Sources section; absent when none. */
  citations: z.array(Citation).optional(),
});
export type ReportResult = z.infer<typeof ReportResult>;

export const PercentileBand = z.object({
  year: z.number().int(),
  age: z.number().int(),
  p10: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
});
/** The projection under one assumption set, as the headline shows it. */
export const ScenarioOutcome = z.object({
  id: z.enum(['historical', 'forward', 'stated']),
  label: z.string(),
  /** Under the cautious reading of unclassified holdings (the lower of the two readings). */
  successProbability: z.number().min(0).max(1),
  /** Success with unclassified holdings read as bonds and as stocks; null when all is classified. */
  successRange: z.object({ low: z.number().min(0).max(1), high: z.number().min(0).max(1) }).nullable(),
  /** Yearly spending (today's money, other income included) the plan supports with 90% success. */
  sustainableSpending: z.number().nullable(),
  moneyLastsToAgeP10: z.number(),
  /** Nominal expected annual returns (arithmetic means) by asset class, and inflation: fractions. */
  expectedReturn: z.record(z.string(), z.number()),
  /** Constant yearly inflation; null for historical sequences, which use each year's CPI. */
  inflation: z.number().nullable(),
  source: z.string(),
});
export type ScenarioOutcome = z.infer<typeof ScenarioOutcome>;

/** What the headline needs: success under each assumption set, and what makes it uncertain. */
export const RetirementOutlook = z.object({
  scenarios: z.array(ScenarioOutcome).min(1),
  /** The scenario the bands, chart and primary figures come from. */
  primary: z.enum(['historical', 'forward', 'stated']),
  /** Planned yearly spending in retirement (today's money) and the part the portfolio must pay. */
  plannedSpending: z.number(),
  spendingFromPortfolio: z.number(),
  unclassifiedPercent: z.number(),
  unclassifiedSymbols: z.array(z.string()),
  /** Which reading of the unclassified share gave the lower success; null when all is classified. */
  cautiousReading: z.enum(['fixed_income', 'equity']).nullable(),
  /** True when more than 10% is unclassified: the headline must say the projection is uncertain. */
  uncertain: z.boolean(),
  /**
   * Each company held directly and the volatility it is simulated with. ownVolatility and
   * volatilityBasis say where a known company's figure comes from; absent, the stated default was used.
   */
  singleStocks: z.array(
    z.object({
      symbol: z.string(),
      percent: z.number(),
      volatility: z.number(),
      ownVolatility: z.number().optional(),
      volatilityBasis: z.string().optional(),
    }),
  ),
  fees: z.object({
    /** Percent a year of the whole portfolio. */
    weightedExpenseRatioPercent: z.number(),
    annualCost: z.number(),
    /** Fees paid until life expectancy on the median path of the primary scenario, today's money. */
    horizonCost: z.number(),
    unknownSymbols: z.array(z.string()),
  }),
});
export type RetirementOutlook = z.infer<typeof RetirementOutlook>;

const SpendingPoint = z.object({ age: z.number().int(), median: z.number(), poor: z.number() });

/** One assumption set under the planning engine: both methods, the sensitivity table, the 90% spending. */
export const PlanningScenario = z.object({
  id: z.enum(['historical', 'forward', 'stated']),
  label: z.string(),
  monteCarlo: z.object({
    paths: z.number().int().positive(),
    successProbability: z.number().min(0).max(1),
    /** In one path in ten the spending is not met in full from this age (life expectancy when 90% last). */
    moneyLastsToAgeP10: z.number(),
    medianEndingBalance: z.number(),
    medianLifetimeTax: z.number(),
    /** After-tax spending each retirement year, guaranteed income included: median and 10th percentile. */
    spending: z.array(SpendingPoint),
  }),
  historical: z.object({
    periods: z.number().int().positive(),
    successProbability: z.number().min(0).max(1),
    firstRetirementYear: z.number().int(),
    lastRetirementYear: z.number().int(),
    /** Calendar years whose retirement could not pay the spending in full, as cFIREsim lists them. */
    failingRetirementYears: z.array(z.number().int()),
    /** How the sequences were read under this set: as they happened, or shifted to its means. */
    basis: z.string(),
  }),
  /** Yearly after-tax spending (constant dollar, income included) that succeeds in 90% of Monte Carlo paths. */
  spendingFor90Percent: z.number().nullable(),
  sensitivity: z.object({
    paths: z.number().int().positive(),
    retirementAges: z.array(z.number().int()),
    /** Fractions of the planned spending: -0.2 = 20% less. */
    spendingChanges: z.array(z.number()),
    /** success[ageIndex][spendingIndex], Monte Carlo, constant-dollar spending. */
    success: z.array(z.array(z.number().min(0).max(1))),
  }),
});
export type PlanningScenario = z.infer<typeof PlanningScenario>;

/** The planning view: income, taxes by account type, the withdrawal strategy, and every set. */
export const RetirementPlanning = z.object({
  strategy: z.object({ type: z.enum(WITHDRAWAL_STRATEGIES), rate: z.number().nullable(), description: z.string() }),
  withdrawalOrder: z.array(z.enum(TAX_BUCKETS)),
  taxes: z.string(),
  balances: z.object({ taxable: z.number(), taxableBasis: z.number(), preTax: z.number(), roth: z.number() }),
  income: z.array(z.object({ label: z.string(), startAge: z.number(), annualAmount: z.number(), cola: z.boolean() })),
  rmdStartAge: z.number().int(),
  scenarios: z.array(PlanningScenario).min(1),
  /** Stated assumptions and simplifications, shown with the figures. */
  notes: z.array(z.string()),
  sources: z.record(z.string(), z.string()),
});
export type RetirementPlanning = z.infer<typeof RetirementPlanning>;

export const RetirementResult = z.object({
  method: z.enum(['monte-carlo', 'historical']),
  paths: z.number().int().positive(),
  successProbability: z.number().min(0).max(1),
  bands: z.array(PercentileBand),
  medianEndingValue: z.number(),
  p10EndingValue: z.number(),
  /** In one path in ten the money runs out at this age or earlier (life expectancy when 90% last). */
  moneyLastsToAgeP10: z.number(),
  /** The highest first-year withdrawal from the portfolio (today's money) with 90% success. */
  sustainableWithdrawal: z.number().nullable(),
  /** That withdrawal plus other income: the yearly spending the plan supports with 90% success. */
  sustainableSpending: z.number().nullable(),
  /**
   * That withdrawal as a rate of the portfolio when withdrawals start: today's balance for a
   * retiree, the median projected balance at retirement otherwise.
   */
  sustainableWithdrawalRate: z.number().nullable(),
  assumptions: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  outlook: RetirementOutlook.optional(),
  /** Social Security, pensions, taxes by account, the withdrawal strategy, both methods, sensitivity. */
  planning: RetirementPlanning.optional(),
});
export type RetirementResult = z.infer<typeof RetirementResult>;

export const SpecialistResult = z.discriminatedUnion('task', [
  z.object({ task: z.literal('report'), result: ReportResult }),
  z.object({ task: z.literal('charts'), result: ChartsResult }),
  z.object({ task: z.literal('retirement'), result: RetirementResult }),
]);
export type SpecialistResult = z.infer<typeof SpecialistResult>;
export type ResultOf<T extends Task> = Extract<SpecialistResult, { task: T }>['result'];

export function round(value: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
