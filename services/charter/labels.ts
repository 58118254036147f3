/**
 * Display names for the catalog's keys. Charts and reports show people "Fixed income", never
 * `fixed_income`; every key of every enum has a name here, so the compiler catches a new key
 * that nobody named.
 */
import type { ACCOUNT_TYPES, AssetClass, INSTRUMENT_TYPES, Region, Sector } from '#events/values.ts';
import { CASH, UNCLASSIFIED } from '../common/holdings.ts';

export type AccountType = (typeof ACCOUNT_TYPES)[number];
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];

export const ASSET_CLASS_LABELS: Readonly<Record<AssetClass, string>> = {
  equity: 'Equity',
  fixed_income: 'Fixed income',
  real_estate: 'Real estate',
  commodities: 'Commodities',
  cash: 'Cash',
};

export const REGION_LABELS: Readonly<Record<Region, string>> = {
  north_america: 'North America',
  europe: 'Europe',
  asia_pacific: 'Asia-Pacific',
  emerging_markets: 'Emerging markets',
  other: 'Other regions',
};

export const SECTOR_LABELS: Readonly<Record<Sector, string>> = {
  information_technology: 'Information technology',
  health_care: 'Health care',
  financials: 'Financials',
  consumer_discretionary: 'Consumer discretionary',
  communication_services: 'Communication services',
  industrials: 'Industrials',
  consumer_staples: 'Consumer staples',
  energy: 'Energy',
  utilities: 'Utilities',
  real_estate: 'Real estate',
  materials: 'Materials',
  government: 'Government bonds',
  corporate: 'Corporate bonds',
  securitized: 'Securitized',
  commodity: 'Commodities',
  cash: 'Cash',
  other: 'Other sectors',
};

export const ACCOUNT_TYPE_LABELS: Readonly<Record<AccountType, string>> = {
  '401k': '401(k)',
  roth_ira: 'Roth IRA',
  traditional_ira: 'Traditional IRA',
  taxable: 'Taxable',
  hsa: 'HSA',
  '529': '529 plan',
  other: 'Other account',
};

export const INSTRUMENT_TYPE_LABELS: Readonly<Record<InstrumentType, string>> = {
  etf: 'ETF',
  mutual_fund: 'Mutual fund',
  stock: 'Stock',
  bond: 'Bond',
  commodity: 'Commodity',
  cash: 'Cash',
  other: 'Other',
};

export type LabelledDimension = 'assetClass' | 'regions' | 'sectors';

const DIMENSION_LABELS: Readonly<Record<LabelledDimension, Readonly<Record<string, string>>>> = {
  assetClass: ASSET_CLASS_LABELS,
  regions: REGION_LABELS,
  sectors: SECTOR_LABELS,
};

/**
 * The display name of an allocation key, including the two buckets the shared arithmetic adds
 * to every dimension (cash balances and unclassified holdings). An unknown key is shown as
 * itself rather than hidden, so a catalog change is visible instead of silently mislabelled.
 */
export function allocationLabel(dimension: LabelledDimension, key: string): string {
  if (key === UNCLASSIFIED) return 'Unclassified';
  if (key === CASH) return 'Cash';
  return DIMENSION_LABELS[dimension][key] ?? humanize(key);
}

export function accountTypeLabel(type: string): string {
  return (ACCOUNT_TYPE_LABELS as Record<string, string>)[type] ?? humanize(type);
}

export function instrumentTypeLabel(type: string): string {
  return (INSTRUMENT_TYPE_LABELS as Record<string, string>)[type] ?? humanize(type);
}

/** `some_key` -> `Some key`: the fallback for keys without a curated name. */
function humanize(key: string): string {
  const words = key.replace(/_/g, ' ').trim();
  return words.length === 0 ? key : words[0]!.toUpperCase() + words.slice(1);
}
