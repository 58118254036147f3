/**
 * How a fact is recorded and printed: the Fact shape, the formatting rule per unit, and the book
 * that collects facts in order. One formatting rule per unit keeps a figure printed once, one way.
 */
import { round } from '#events/values.ts';

export type FactUnit = 'usd' | 'percent' | 'pp' | 'ratio' | 'number' | 'count' | 'age' | 'years' | 'year' | 'text';

export interface Fact {
  key: string;
  label: string;
  unit: FactUnit;
  /** The exact computed value; null when it cannot be computed for this portfolio. */
  value: number | string | null;
  /** The value as printed: rounded to `decimals`. */
  shown: number | string | null;
  decimals: number;
  /** The printed form, e.g. `$1,234,567`, `12.3%`, `+7.5 pp`. */
  text: string;
  /** Text that came from the user or the portfolio file (names), to be treated as data. */
  userSupplied?: boolean;
}

export function formatUsd(value: number): string {
  const whole = Math.round(value);
  const digits = Math.abs(whole).toLocaleString('en-US');
  return whole < 0 ? `-$${digits}` : `$${digits}`;
}

export function formatPercent(value: number, decimals = 1): string {
  return `${fixed(value, decimals)}%`;
}

export function formatPoints(value: number, decimals = 1): string {
  const text = fixed(value, decimals);
  return `${Number(text) > 0 ? '+' : ''}${text} pp`;
}

/** A name safe to print in markdown: no markup characters, no line breaks, at most 80 characters. */
export function displayName(name: string): string {
  return name
    .replace(/[\\`*_{}[\]<>#|!~^$]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
}

function fixed(value: number, decimals: number): string {
  const text = round(value, decimals).toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** Collects facts in insertion order, formatting each by its unit. */
export class FactBook {
  readonly map = new Map<string, Fact>();

  list(): Fact[] {
    return [...this.map.values()];
  }

  usd(key: string, label: string, value: number | null) {
    this.numeric(key, label, 'usd', value, 0, formatUsd);
  }
  percent(key: string, label: string, value: number | null, decimals = 1) {
    this.numeric(key, label, 'percent', value, decimals, (v) => formatPercent(v, decimals));
  }
  pp(key: string, label: string, value: number | null, decimals = 1) {
    this.numeric(key, label, 'pp', value, decimals, (v) => formatPoints(v, decimals));
  }
  ratio(key: string, label: string, value: number | null) {
    this.numeric(key, label, 'ratio', value, 3, (v) => fixed(v, 3));
  }
  number(key: string, label: string, value: number | null) {
    this.numeric(key, label, 'number', value, 1, (v) => fixed(v, 1));
  }
  count(key: string, label: string, value: number) {
    this.numeric(key, label, 'count', value, 0, (v) => fixed(v, 0));
  }
  age(key: string, label: string, value: number) {
    this.numeric(key, label, 'age', value, 0, (v) => fixed(v, 0));
  }
  years(key: string, label: string, value: number) {
    this.numeric(key, label, 'years', value, 0, (v) => fixed(v, 0));
  }
  year(key: string, label: string, value: number) {
    this.numeric(key, label, 'year', value, 0, (v) => fixed(v, 0));
  }
  text(key: string, label: string, value: string | null, userSupplied = false) {
    this.add({
      key,
      label,
      unit: 'text',
      value,
      shown: value,
      decimals: 0,
      text: value ?? 'n/a',
      ...(userSupplied ? { userSupplied } : {}),
    });
  }

  private numeric(
    key: string,
    label: string,
    unit: FactUnit,
    value: number | null,
    decimals: number,
    format: (v: number) => string,
  ) {
    const usable = value !== null && Number.isFinite(value) ? value : null;
    const shown = usable === null ? null : normaliseZero(round(usable, decimals));
    this.add({ key, label, unit, value: usable, shown, decimals, text: usable === null ? 'n/a' : format(usable) });
  }

  private add(fact: Fact) {
    if (this.map.has(fact.key)) throw new Error(`reporter: fact ${fact.key} defined twice`);
    this.map.set(fact.key, fact);
  }
}

function normaliseZero(value: number): number {
  return Object.is(value, -0) ? 0 : value;
}
