/** The API's shapes as the dashboard reads them (the OpenAPI document at /openapi.json is the reference). */

export interface Account {
  id: string;
  name: string;
  type: string;
  cash: number;
}

export interface Position {
  account: string;
  symbol: string;
  name?: string;
  quantity: number;
  price?: number;
}

export interface Portfolio {
  user: { id: string; name: string; birthYear: number };
  goals: {
    retirementAge: number;
    lifeExpectancy?: number;
    annualContribution?: number;
    annualSpending: number;
    otherIncome?: number;
    [more: string]: unknown;
  };
  accounts: Account[];
  positions: Position[];
  instruments?: unknown[];
}

export interface Job {
  jobId: string;
  status: 'requested' | 'planning' | 'classifying' | 'planned' | 'completed' | 'partial' | 'failed';
  tasks: string[];
  requestedAt: string;
  finishedAt: string | null;
  tookMs: number | null;
  error: string | null;
}

export const FINISHED = ['completed', 'partial', 'failed'];

export const ACCOUNT_TYPES: ReadonlyArray<[string, string]> = [
  ['401k', '401(k)'],
  ['roth_ira', 'Roth IRA'],
  ['traditional_ira', 'Traditional IRA'],
  ['taxable', 'Taxable'],
  ['hsa', 'HSA'],
  ['529', '529 plan'],
  ['other', 'Other'],
];
