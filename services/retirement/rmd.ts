/**
 * Required minimum distributions from pre-tax accounts: the SECURE 2.0 applicable age for the
 * owner's birth year and the IRS Uniform Lifetime Table, both vendored in
 * data/uniform-lifetime-table.json with their source.
 */
import table from './data/uniform-lifetime-table.json' with { type: 'json' };

export const RMD_SOURCE = `${table.source} (${table.year})`;

/** The age distributions must start: 73 for 1951–1959 births, 75 from 1960 (SECURE 2.0). */
export function rmdStartAge(birthYear: number): number {
  const row = table.applicableAge.find((r) => birthYear >= r.bornFrom && birthYear <= r.bornTo);
  if (!row) throw new Error(`services/retirement/data/uniform-lifetime-table.json: no RMD age for ${birthYear}`);
  return row.age;
}

const divisors = table.divisors as Record<string, number>;
const LAST_AGE = 120;

/** The Uniform Lifetime Table's distribution period at `age` (120 and older share the last). */
export function rmdDivisor(age: number): number {
  const divisor = divisors[String(Math.min(Math.floor(age), LAST_AGE))];
  if (divisor === undefined) throw new Error(`no Uniform Lifetime Table divisor below age 72, asked for ${age}`);
  return divisor;
}

/** Fraction of the prior balance that must come out at each age of the plan (0 before the start age). */
export function rmdFractions(birthYear: number, ages: readonly number[]): Float64Array {
  const start = rmdStartAge(birthYear);
  return Float64Array.from(ages, (age) => (age >= start ? 1 / rmdDivisor(age) : 0));
}
