/**
 * The charter's domain: chart data computed from a portfolio snapshot. Every number comes from
 * the shared holdings arithmetic (services/common/holdings.ts); this module only chooses the
 * charts, names the slices for people, and checks the result before it leaves.
 */
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import type { ChartsResult, Snapshot } from '#events/values.ts';
import { ALLOCATION_TOLERANCE, Chart, round } from '#events/values.ts';
import {
  allocationBy,
  classificationsBySymbol,
  type Dimension,
  type Slice,
  valueByAccount,
  valueBySymbol,
} from '../common/holdings.ts';
import { accountTypeLabel, allocationLabel } from './labels.ts';

export const TOP_HOLDINGS = 10;

/** Chart ids are stable: the report and any consumer may look a chart up by id. */
export const CHART_IDS = {
  assetClass: 'asset-class',
  region: 'region',
  sector: 'sector',
  account: 'account',
  topHoldings: 'top-holdings',
} as const;

/**
 * The five standard charts of a snapshot. Allocation charts look through funds (a 60/40 fund
 * adds 60% of its value to equity and 40% to fixed income), count account cash as its own
 * class, and put holdings without a classification in "Unclassified" rather than guessing.
 * Values are USD with two decimals; percents are of the whole portfolio.
 */
export function buildCharts(snapshot: Snapshot): ChartsResult {
  const charts: Chart[] = [
    allocationChart(snapshot, 'assetClass', {
      id: CHART_IDS.assetClass,
      type: 'donut',
      title: 'Asset classes',
      description: 'Market value by asset class, funds looked through, cash included.',
    }),
    allocationChart(snapshot, 'regions', {
      id: CHART_IDS.region,
      type: 'pie',
      title: 'Regions',
      description: 'Market value by region, funds looked through, cash included.',
    }),
    allocationChart(snapshot, 'sectors', {
      id: CHART_IDS.sector,
      type: 'horizontalBar',
      title: 'Sectors',
      description: 'Market value by sector, funds looked through, cash included.',
    }),
    accountChart(snapshot),
    topHoldingsChart(snapshot),
  ];
  const checked = validateCharts(charts);
  for (const chart of checked) {
    if (chart.id !== CHART_IDS.topHoldings) assertPercentsSumTo100(chart);
  }
  return { charts: checked };
}

const ChartList = z.array(Chart).superRefine((charts, ctx) => {
  const seen = new Set<string>();
  charts.forEach((chart, index) => {
    if (seen.has(chart.id)) {
      ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate chart id "${chart.id}"` });
    }
    seen.add(chart.id);
  });
});

/**
 * Parses a chart list with the catalog's Chart schema (defaults applied) and requires unique
 * ids. Throws InvalidInputError naming the offending field, e.g. `charts[1].data[0].value`.
 */
export function validateCharts(charts: unknown): Chart[] {
  return InvalidInputError.parse(ChartList, charts, 'charts');
}

/**
 * A chart that partitions the portfolio must add up to 100%. Each percent is rounded to two
 * decimals, so the sum may drift by up to half a hundredth per slice.
 */
export function assertPercentsSumTo100(chart: Chart): void {
  const percents = chart.data.map((datum) => datum.percent);
  if (percents.length === 0 || chart.data.every((datum) => datum.value === 0)) return;
  if (percents.some((percent) => percent === undefined)) {
    throw new Error(`chart "${chart.id}": every datum needs a percent`);
  }
  const sum = (percents as number[]).reduce((a, b) => a + b, 0);
  const tolerance = Math.max(ALLOCATION_TOLERANCE, 0.005 * percents.length);
  if (Math.abs(sum - 100) > tolerance) {
    throw new Error(`chart "${chart.id}": percents sum to ${round(sum, 2)}, not 100`);
  }
}

type ChartHeader = Pick<Chart, 'id' | 'type' | 'title' | 'description'>;

function allocationChart(snapshot: Snapshot, dimension: Dimension, header: ChartHeader): Chart {
  const data = nonZero(allocationBy(snapshot, dimension)).map((slice) =>
    datum(allocationLabel(dimension, slice.key), slice),
  );
  return { ...header, unit: 'USD', data };
}

function accountChart(snapshot: Snapshot): Chart {
  const names = accountNames(snapshot);
  const data = nonZero(valueByAccount(snapshot)).map((slice) => datum(names.get(slice.key) ?? slice.key, slice));
  return {
    id: CHART_IDS.account,
    type: 'bar',
    title: 'Accounts',
    description: 'Market value by account, cash included.',
    unit: 'USD',
    data,
  };
}

function topHoldingsChart(snapshot: Snapshot): Chart {
  const names = classificationsBySymbol(snapshot);
  const data = nonZero(valueBySymbol(snapshot))
    .slice(0, TOP_HOLDINGS)
    .map((slice) => {
      const name = names.get(slice.key)?.name;
      return datum(name && name !== slice.key ? `${slice.key} (${name})` : slice.key, slice);
    });
  return {
    id: CHART_IDS.topHoldings,
    type: 'horizontalBar',
    title: `Top ${TOP_HOLDINGS} holdings`,
    description: `The ${TOP_HOLDINGS} largest holdings by market value across accounts; percents are of the whole portfolio.`,
    unit: 'USD',
    data,
  };
}

/**
 * Account display names. People often have two accounts with the same name ("IRA"), and two
 * bars with one label would be unreadable, so repeated names get the account type, then the id.
 */
function accountNames(snapshot: Snapshot): Map<string, string> {
  const plain = snapshot.accounts.map((account) => account.name.trim() || account.id);
  const withType = snapshot.accounts.map((account, i) => `${plain[i]} (${accountTypeLabel(account.type)})`);
  const labels = new Map<string, string>();
  snapshot.accounts.forEach((account, i) => {
    if (occurrences(plain, plain[i]!) === 1) labels.set(account.id, plain[i]!);
    else if (occurrences(withType, withType[i]!) === 1) labels.set(account.id, withType[i]!);
    else labels.set(account.id, `${plain[i]} (${account.id})`);
  });
  return labels;
}

function occurrences(values: string[], value: string): number {
  return values.filter((candidate) => candidate === value).length;
}

/** Unpriced positions carry no value; a zero slice would only add an empty legend row. */
function nonZero(slices: Slice[]): Slice[] {
  return slices.filter((slice) => slice.value > 0);
}

function datum(label: string, slice: Slice): Chart['data'][number] {
  return { label, value: round(slice.value, 2), percent: round(slice.percent, 2) };
}
