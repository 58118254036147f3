/**
 * The number check: every figure a text states must be one of the computed facts. A figure
 * matches when some fact of a compatible kind, at the precision the text states it, has that
 * value: `$1.2M`, `$1,234,567` and `1,234,567` all match a total of 1,234,567.40, `62%` and
 * `62.3%` match 62.31. Signs are ignored, since prose says "below" rather than "-7.5".
 */
import type { PortfolioFacts } from './facts.ts';

export type FactValues = PortfolioFacts | Readonly<Record<string, number | string | null>>;

type Kind = 'money' | 'percent' | 'points' | 'plain';

interface Candidate {
  value: number;
  unit: string;
}

/** Month names as the narrative writes dates (prose.ts) and the check reads them. */
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const SCALES: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9 };

/**
 * A figure: optional currency sign, digits with optional thousands separators and decimals,
 * optional scale word, optional percent or percentage-point unit.
 */
const FIGURE =
  /(?<![\p{L}\p{N}])(?<money>\$\s?|US\$\s?|USD\s?)?(?<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(?<scale>thousand|million|billion|bn|[kKmMbB])(?![\p{L}\p{N}]))?(?:\s?(?<unit>%|percentage points?|percent|per cent|pp(?![\p{L}])|points?(?![\p{L}])|USD(?![\p{L}])|dollars?(?![\p{L}])))?(?<after>[\p{L}\p{N}]*)/gu;

/** Account-type names and list markers that contain digits but state no figure. */
const NOT_FIGURES = [
  /\b40[13]\s?\(?[kb]\)?/gi,
  /\b457\s?\(?b\)?/gi,
  /\b529(?=\s+(?:plan|account|savings))/gi,
  /\bS&P\s?500\b/gi,
  /^\s{0,3}(?:#{1,6}\s*)?\d+[.)](?=\s)/gm,
  /\b(?:section|step|item|recommendation)\s+\d+\b/gi,
];

/** Figures stated in `text` that no fact supports, as they appear in the text (each once). */
export function findUnsupportedNumbers(text: string, facts: FactValues): string[] {
  const { candidates, asOfYear, strings } = normalise(facts);
  let scrubbed = text;
  // Names and other text facts may contain digits (a "2030" fund, an account "Brokerage 2"):
  // they are data, not figures the writer states.
  // Only strings with a letter are scrubbed, and only as whole words, so that no name (say "5")
  // can hide a figure.
  for (const value of [...strings].sort((a, b) => b.length - a.length)) {
    if (value.length < 3 || !/\d/.test(value) || !/\p{L}/u.test(value)) continue;
    scrubbed = scrubbed.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(value)}(?![\\p{L}\\p{N}])`, 'gu'), ' ');
  }
  for (const pattern of NOT_FIGURES) scrubbed = scrubbed.replace(pattern, ' ');
  if (asOfYear !== undefined) scrubbed = scrubbed.replace(datePattern(facts, asOfYear), ' ');

  const unsupported = new Set<string>();
  for (const match of scrubbed.matchAll(FIGURE)) {
    const groups = match.groups!;
    const after = groups.after ?? '';
    // Digits glued to letters (ordinals, tickers, "Q3") are not stated figures; an exponent is.
    const exponent = /^e\d{1,3}$/i.test(after) ? Number(after.slice(1)) : 0;
    if (after.length > 0 && exponent === 0) continue;
    const digits = groups.num!;
    const unitWord = groups.unit?.toLowerCase();
    const currencyWord = unitWord === 'usd' || unitWord?.startsWith('dollar') === true;
    const money = groups.money !== undefined || currencyWord;
    const scaleWord = groups.scale?.toLowerCase();
    // A bare k/M/B scales only money ("$1.2M"); "5 m" is not a figure of millions.
    const scale = scaleWord && (money || scaleWord.length > 2) ? (SCALES[scaleWord] ?? 1) : 1;
    const kind: Kind = money
      ? 'money'
      : unitWord === undefined
        ? 'plain'
        : unitWord === '%' || (unitWord.startsWith('per') && !unitWord.includes('point'))
          ? 'percent'
          : 'points';
    const stated = Number(digits.replace(/,/g, ''));
    const decimals = digits.includes('.') ? digits.split('.')[1]!.length : 0;
    // Small whole numbers ("3 accounts", "in 5 years") are counting words, not stated figures;
    // anything larger, however round ("5,000,000", "100 funds"), must be among the facts.
    if (kind === 'plain' && scale === 1 && decimals === 0 && stated <= 10) continue;
    const value = stated * scale * 10 ** exponent;
    // The last digit stated sets the precision, scaled like the figure ("$1.2e6" is to 100,000).
    const tolerance = 0.5 * 10 ** -decimals * scale * 10 ** exponent + 1e-9;
    const supported =
      (kind === 'plain' && asOfYear !== undefined && value === asOfYear) ||
      candidates.some(
        (candidate) => compatible(kind, candidate.unit) && Math.abs(candidate.value - value) <= tolerance,
      ) ||
      (kind === 'percent' &&
        candidates.some((c) => c.unit === 'ratio' && Math.abs(c.value * 100 - value) <= tolerance));
    if (!supported) unsupported.add(match[0].trim());
  }
  return [...unsupported];
}

function compatible(kind: Kind, unit: string): boolean {
  switch (kind) {
    case 'money':
      return unit === 'usd' || unit === 'any';
    case 'percent':
      return unit === 'percent' || unit === 'pp' || unit === 'any';
    case 'points':
      return unit === 'pp' || unit === 'percent' || unit === 'any';
    case 'plain':
      return true;
  }
}

function normalise(facts: FactValues): { candidates: Candidate[]; asOfYear?: number; strings: Set<string> } {
  const candidates: Candidate[] = [];
  const strings = new Set<string>();
  if (isPortfolioFacts(facts)) {
    for (const fact of facts.list) {
      if (typeof fact.value === 'number') candidates.push({ value: Math.abs(fact.value), unit: fact.unit });
      if (typeof fact.shown === 'number') candidates.push({ value: Math.abs(fact.shown), unit: fact.unit });
      if (typeof fact.value === 'string') strings.add(fact.value);
    }
    for (const name of facts.userStrings) strings.add(name);
    return { candidates, asOfYear: facts.asOfYear, strings };
  }
  // A stored facts record carries no units: any fact supports a figure of any kind.
  let asOfYear: number | undefined;
  for (const [key, value] of Object.entries(facts)) {
    if (typeof value === 'number') candidates.push({ value: Math.abs(value), unit: 'any' });
    if (typeof value === 'string') {
      strings.add(value);
      if (key === 'asOf' && /^\d{4}-/.test(value)) asOfYear = Number(value.slice(0, 4));
    }
  }
  return { candidates, ...(asOfYear !== undefined ? { asOfYear } : {}), strings };
}

function isPortfolioFacts(facts: FactValues): facts is PortfolioFacts {
  return Array.isArray((facts as PortfolioFacts).list) && (facts as PortfolioFacts).byKey instanceof Map;
}

/** The snapshot date written out in words ("November 21, 2026", "21 November 2026"). */
function datePattern(facts: FactValues, asOfYear: number): RegExp {
  const asOf = isPortfolioFacts(facts) ? facts.asOf : String(facts.asOf ?? '');
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(asOf);
  if (!match) return /$^/g;
  const month = MONTHS[Number(match[1]) - 1]!;
  const day = Number(match[2]);
  return new RegExp(
    `\\b(?:${asOf}|${month}\\s+${day}(?:st|nd|rd|th)?,?\\s+${asOfYear}|${day}(?:st|nd|rd|th)?\\s+${month},?\\s+${asOfYear})\\b`,
    'g',
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
