import { describe, expect, it } from 'vitest';
import { ACCOUNT_TYPES, ASSET_CLASSES, REGIONS, SECTORS } from '#events/values.ts';
import { accountTypeLabel, allocationLabel, instrumentTypeLabel } from '#services/charter/labels.ts';

describe('labels', () => {
  it('names catalog keys the way people write them', () => {
    expect(allocationLabel('assetClass', 'fixed_income')).toBe('Fixed income');
    expect(allocationLabel('regions', 'north_america')).toBe('North America');
    expect(allocationLabel('sectors', 'information_technology')).toBe('Information technology');
    expect(accountTypeLabel('roth_ira')).toBe('Roth IRA');
    expect(accountTypeLabel('401k')).toBe('401(k)');
    expect(instrumentTypeLabel('mutual_fund')).toBe('Mutual fund');
  });

  it('names the cash and unclassified buckets in every dimension', () => {
    for (const dimension of ['assetClass', 'regions', 'sectors'] as const) {
      expect(allocationLabel(dimension, 'cash')).toBe('Cash');
      expect(allocationLabel(dimension, 'unclassified')).toBe('Unclassified');
    }
  });

  it('gives every key a distinct name within its dimension', () => {
    const distinct = (names: string[]) => new Set(names).size === names.length;
    expect(distinct(ASSET_CLASSES.map((key) => allocationLabel('assetClass', key)))).toBe(true);
    expect(distinct(REGIONS.map((key) => allocationLabel('regions', key)))).toBe(true);
    expect(distinct(SECTORS.map((key) => allocationLabel('sectors', key)))).toBe(true);
    expect(distinct(ACCOUNT_TYPES.map(accountTypeLabel))).toBe(true);
  });

  it('shows an unknown key readably instead of hiding it', () => {
    expect(allocationLabel('sectors', 'space_mining')).toBe('Space mining');
  });
});
