/**
 * The offline model's answer for an instrument that is not in reference data: a deterministic
 * keyword heuristic over the symbol and the name. It only classifies what the words support
 * ("bond" → fixed income, "gold" → commodities, "emerging" → emerging markets) and returns null
 * when they support nothing, so an unknown instrument stays unclassified instead of being
 * guessed. Mixed fund splits reuse the reference data of a typical fund (AGG, VEA, EFA, VXUS),
 * so there is one set of approximate weights to maintain.
 */
import type { Allocation, AssetClass, Classification, Region, Sector } from '#events/values.ts';
import { referenceClassification } from './reference.ts';

/** What a classifier says about an instrument; the caller adds symbol, name and source. */
export type InstrumentGuess = Pick<
  Classification,
  'instrumentType' | 'assetClass' | 'regions' | 'sectors' | 'rationale'
>;

interface Rule<T> {
  value: T;
  pattern: RegExp;
}

const ASSET_CLASS_RULES: ReadonlyArray<Rule<AssetClass>> = [
  { value: 'cash', pattern: /\bmoney[- ]market\b|\bcash reserves?\b|\bmoney fund\b/ },
  {
    value: 'commodities',
    pattern: /\bgold\b|\bsilver\b|\bplatinum\b|\bpalladium\b|\bprecious metals?\b|\bbullion\b|\bcommodit(?:y|ies)\b/,
  },
  { value: 'real_estate', pattern: /\breits?\b|\breal estate\b/ },
  {
    value: 'fixed_income',
    pattern:
      /\bbonds?\b|\btreasur(?:y|ies)\b|\baggregate\b|\bmunicipal\b|\bmunis?\b|\btips\b|\binflation[- ]protected\b|\bfixed[- ]income\b|\bhigh[- ]yield\b|\bmortgage[- ]backed\b|\bt[- ]bills?\b|\bgovernment\b|\bincome\b|\btotal return\b|\bgnma\b/,
  },
  {
    value: 'equity',
    pattern:
      /\bstocks?\b|\bequit(?:y|ies)\b|\bs&p\b|\btotal (?:stock )?market\b|\bnasdaq\b|\brussell\b|\bdow jones\b|\bwilshire\b|\b(?:large|mid|small)[- ]?cap\b|\bgrowth\b|\bvalue\b|\bdividend\b|\bmsci\b|\bminers?\b|\bmining\b/,
  },
];

/** Miners of a metal are companies (equity), not the metal. */
const MINERS = /\bminers?\b|\bmining\b/;
const MIXED_FUND = /\bbalanced\b|\ballocation\b|\btarget[- ](?:date|retirement)\b|\blifecycle\b|\blife ?strategy\b/;
const STOCK_BOND_SPLIT = /\b(\d{1,2})\s*\/\s*(\d{1,2})\b/;
/**
 * Weak equity evidence, used only when no asset-class word matched and the name is a fund's:
 * "Acme Index Fund" is taken as a broad stock index, "Acme Technology ETF" as a stock sector
 * fund, while "Fabrikam Technology Inc" (a company nobody here knows) stays unclassified.
 */
const FUND_WORD = /\bfunds?\b|\betf\b|\bindex\b|\bportfolio\b|\bsector\b/;
const INDEX_ONLY = /\bindex\b/;

type RegionWord = 'emerging' | 'europe' | 'pacific' | 'total_international' | 'developed' | 'global' | 'us';

const REGION_RULES: ReadonlyArray<Rule<RegionWord>> = [
  {
    value: 'total_international',
    pattern: /\btotal international\b|\ball[- ]world ex\b|\bglobal ex\b|\bacwi ex\b|\bworld ex\b/,
  },
  { value: 'emerging', pattern: /\bemerging\b|\bchina\b|\bindia\b|\bbrazil\b|\blatin america\b|\bfrontier\b/ },
  { value: 'europe', pattern: /\beurope(?:an)?\b|\beurozone\b|\bunited kingdom\b|\bgermany\b/ },
  { value: 'pacific', pattern: /\bpacific\b|\basia\b|\bjapan\b|\baustralia\b/ },
  {
    value: 'developed',
    pattern: /\binternational\b|\beuropacific\b|\bdeveloped\b|\bex[- ]?u\.?s\.?a?\b|\bforeign\b|\beafe\b|\boverseas\b/,
  },
  { value: 'global', pattern: /\bglobal\b|\bworld\b|\ball[- ]country\b/ },
  {
    value: 'us',
    pattern:
      /\bu\.s\.|\bus\b|\bamerica\b|\bs&p\b|\bnasdaq\b|\brussell\b|\btotal (?:stock )?market\b|\btreasur(?:y|ies)\b|\bmunicipal\b|\bmunis?\b/,
  },
];

const BOND_SECTOR_RULES: ReadonlyArray<Rule<Sector>> = [
  {
    value: 'government',
    pattern:
      /\btreasur(?:y|ies)\b|\bgovernment\b|\btips\b|\binflation[- ]protected\b|\bmunicipal\b|\bmunis?\b|\bt[- ]bills?\b/,
  },
  { value: 'corporate', pattern: /\bcorporate\b|\bcredit\b|\bhigh[- ]yield\b/ },
  { value: 'securitized', pattern: /\bmortgage\b|\bmbs\b|\bsecuritized\b/ },
];
const AGGREGATE_BONDS = /\baggregate\b|\btotal bond\b/;

const EQUITY_SECTOR_RULES: ReadonlyArray<Rule<Sector>> = [
  { value: 'information_technology', pattern: /\btechnology\b|\btech\b|\bsemiconductors?\b|\bsoftware\b/ },
  { value: 'health_care', pattern: /\bhealth ?care\b|\bbiotech(?:nology)?\b|\bpharma(?:ceuticals?)?\b/ },
  { value: 'financials', pattern: /\bfinancials?\b|\bbanks?\b|\binsurance\b/ },
  { value: 'energy', pattern: /\benergy\b|\boil\b/ },
  { value: 'utilities', pattern: /\butilit(?:y|ies)\b/ },
  { value: 'consumer_staples', pattern: /\bconsumer staples\b/ },
  { value: 'consumer_discretionary', pattern: /\bconsumer discretionary\b/ },
  { value: 'industrials', pattern: /\bindustrials?\b/ },
  { value: 'materials', pattern: /\bmaterials\b|\bminers?\b|\bmining\b/ },
  { value: 'communication_services', pattern: /\bcommunications?\b|\btelecom(?:munications)?\b/ },
];

/** Text that reads as instructions to a model rather than an instrument's name. */
const INSTRUCTION_LIKE =
  /\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|previous|prior|above|rules?)\b|\bsystem prompt\b|\byou are (?:now )?an?\b|\brespond (?:only )?with\b|\bclassify (?:it |this |me )?as\b|<\/?[a-z_]+>/i;

const MUTUAL_FUND_SYMBOL = /^[A-Z]{4}X$/;
/** Words that name one company's shares rather than a fund. */
const COMPANY =
  /\bcorp(?:oration)?\b|\binc\b|\bincorporated\b|\bcommon stock\b|\bclass [a-c] (?:shares|common)\b|\bordinary shares\b|\bltd\b|\bplc\b|\bholdings?\b|\bco\b/;
/** Exchange tickers of single companies: one to four letters (funds' tickers are usually longer). */
const SHORT_TICKER = /^[A-Z]{1,4}(?:[.-][A-Z])?$/;

/**
 * One company's shares: a company word ("Corp", "Inc", "Common Stock", "Class A shares") or a
 * plain one-to-four-letter ticker, and no fund word. Checked before the asset-class words, so
 * "Realty Income Corp" is a stock, not an income fund.
 */
function singleCompany(symbol: string, text: string): InstrumentGuess | null {
  if (FUND_WORD.test(text) || /\btrust\b|\bshares? of (?:the )?fund\b|\bmoney[- ]market\b/.test(text)) return null;
  const word = COMPANY.exec(text);
  const hits = matches(ASSET_CLASS_RULES, text);
  const shortTicker = SHORT_TICKER.test(symbol) && hits.size === 0;
  if (!word && !shortTicker) return null;
  const why = word
    ? `"${word[0]}" in the name and no fund word → one company's shares (100% equity)`
    : `a plain ${symbol.length}-letter ticker, no fund or asset-class word → one company's shares (100% equity)`;
  return {
    instrumentType: 'stock',
    assetClass: { equity: 100 },
    regions: { north_america: 100 },
    sectors: { other: 100 },
    rationale: `Offline heuristic from the symbol and name only (no language model; confirm before relying on it): ${why}; US listing assumed (north_america); sector unknown → other.`,
  };
}

export function offlineClassification(instrument: { symbol: string; name?: string }): InstrumentGuess | null {
  const name = instrument.name?.trim() ?? '';
  if (name === '' || INSTRUCTION_LIKE.test(name)) return null;
  const text = name.toLowerCase();
  const company = singleCompany(instrument.symbol, text);
  if (company) return company;
  const evidence: string[] = [];

  const assetClass = assetClassOf(text, evidence);
  if (!assetClass) return null;
  const regions = regionsOf(assetClass, text, evidence);
  if (!regions) return null;
  const sectors = sectorsOf(assetClass, text, evidence);
  const instrumentType = instrumentTypeOf(instrument.symbol, text, evidence);

  return {
    instrumentType,
    assetClass: assetClass.weights,
    regions,
    sectors,
    rationale: `Offline heuristic from the symbol and name only (no language model; confirm with the issuer before relying on it): ${evidence.join('; ')}.`,
  };
}

interface AssetClassFinding {
  kind: AssetClass | 'mixed';
  weights: Allocation<AssetClass>;
}

function assetClassOf(text: string, evidence: string[]): AssetClassFinding | undefined {
  const split = STOCK_BOND_SPLIT.exec(text);
  if (split && Number(split[1]) + Number(split[2]) === 100) {
    evidence.push(`"${split[0]}" → ${split[1]}% equity / ${split[2]}% fixed income`);
    return { kind: 'mixed', weights: { equity: Number(split[1]), fixed_income: Number(split[2]) } };
  }
  // An allocation or target-date fund's mix cannot be read from its name.
  if (MIXED_FUND.test(text)) return undefined;

  const hits = matches(ASSET_CLASS_RULES, text);
  // A money market fund holds Treasuries: the cash rule wins over the bond words.
  if (hits.has('cash')) return single('cash', hits, evidence, 'cash (money market)');
  if (hits.has('commodities') && MINERS.test(text)) hits.delete('commodities');
  if (hits.size === 1) {
    const [kind] = hits.keys();
    return single(kind!, hits, evidence, label(kind!));
  }
  if (hits.size > 1) return undefined; // e.g. "stock and bond": the split is unknown
  if (!FUND_WORD.test(text)) return undefined;
  const sectorWords = [...matches(EQUITY_SECTOR_RULES, text).values()].flat();
  if (sectorWords.length > 0) {
    evidence.push(`${quote(sectorWords)} in a fund's name → a stock sector fund (100% equity)`);
    return { kind: 'equity', weights: { equity: 100 } };
  }
  const index = INDEX_ONLY.exec(text);
  if (index) {
    evidence.push(`only "${index[0]}" in the name → taken as a broad US stock index fund (100% equity)`);
    return { kind: 'equity', weights: { equity: 100 } };
  }
  return undefined;
}

function single(
  kind: AssetClass,
  hits: Map<AssetClass, string[]>,
  evidence: string[],
  what: string,
): AssetClassFinding {
  evidence.push(`${quote(hits.get(kind)!)} → 100% ${what}`);
  return { kind, weights: { [kind]: 100 } };
}

function regionsOf(assetClass: AssetClassFinding, text: string, evidence: string[]): Allocation<Region> | undefined {
  if (assetClass.kind === 'commodities') {
    evidence.push('a commodity has no issuer region → other');
    return { other: 100 };
  }
  const hits = matches(REGION_RULES, text);
  hits.delete('us');
  const found = [...hits.keys()];
  const words = quote([...hits.values()].flat());
  if (found.length === 0) {
    const us = matches(REGION_RULES, text).get('us');
    evidence.push(us ? `${quote(us)} → US (north_america)` : 'no non-US region word → US (north_america) assumed');
    return { north_america: 100 };
  }
  if (found.includes('global')) {
    if (found.length === 1) return undefined; // a world fund's US share is not in its name
    hits.delete('global');
  }
  const has = (key: RegionWord) => hits.has(key);
  if (has('total_international') || (has('emerging') && has('developed'))) {
    evidence.push(`${words} → all markets outside the US, split approximately like VXUS`);
    return regionsLike('VXUS');
  }
  if (has('europe') && has('pacific')) {
    evidence.push(`${words} → developed Europe and Pacific, split approximately like EFA`);
    return regionsLike('EFA');
  }
  if (hits.size > 1 && !(hits.size === 2 && has('developed'))) return undefined;
  if (has('emerging')) return note(evidence, words, 'emerging_markets', { emerging_markets: 100 });
  if (has('europe')) return note(evidence, words, 'europe', { europe: 100 });
  if (has('pacific')) return note(evidence, words, 'asia_pacific', { asia_pacific: 100 });
  evidence.push(`${words} → developed markets outside the US, split approximately like VEA`);
  return regionsLike('VEA');
}

function note(evidence: string[], words: string, region: Region, weights: Allocation<Region>): Allocation<Region> {
  evidence.push(`${words} → ${region}`);
  return weights;
}

function sectorsOf(assetClass: AssetClassFinding, text: string, evidence: string[]): Allocation<Sector> {
  switch (assetClass.kind) {
    case 'cash':
      return { cash: 100 };
    case 'commodities':
      return { commodity: 100 };
    case 'real_estate':
      return { real_estate: 100 };
    case 'mixed':
      evidence.push('sector mix not in the name → other');
      return { other: 100 };
    case 'fixed_income': {
      const hits = matches(BOND_SECTOR_RULES, text);
      if (hits.size === 1) {
        const [sector] = hits.keys();
        evidence.push(`${quote(hits.get(sector!)!)} → ${sector} bonds`);
        return { [sector!]: 100 };
      }
      const aggregate = AGGREGATE_BONDS.exec(text);
      if (aggregate && hits.size === 0) {
        evidence.push(`"${aggregate[0]}" → a US aggregate bond index, sectors approximately like AGG`);
        return sectorsLike('AGG');
      }
      evidence.push('bond sector mix not in the name → other');
      return { other: 100 };
    }
    case 'equity': {
      const hits = matches(EQUITY_SECTOR_RULES, text);
      if (hits.size === 1) {
        const [sector] = hits.keys();
        evidence.push(`${quote(hits.get(sector!)!)} → ${sector} sector fund`);
        return { [sector!]: 100 };
      }
      evidence.push('sector mix not in the name → other');
      return { other: 100 };
    }
  }
}

function instrumentTypeOf(symbol: string, text: string, evidence: string[]): InstrumentGuess['instrumentType'] {
  if (/\betf\b|\bexchange[- ]traded\b/.test(text)) {
    evidence.push('"ETF" in the name → etf');
    return 'etf';
  }
  if (MUTUAL_FUND_SYMBOL.test(symbol)) {
    evidence.push(`symbol ${symbol} has five letters ending in X (the Nasdaq mutual-fund convention) → mutual_fund`);
    return 'mutual_fund';
  }
  if (/\bmutual fund\b|\badmiral\b|\binvestor shares\b|\binstitutional shares\b/.test(text)) {
    evidence.push('share-class words in the name → mutual_fund');
    return 'mutual_fund';
  }
  evidence.push('vehicle (ETF, mutual fund, trust) not evident → other');
  return 'other';
}

function matches<T>(rules: ReadonlyArray<Rule<T>>, text: string): Map<T, string[]> {
  const found = new Map<T, string[]>();
  for (const rule of rules) {
    const words = [...text.matchAll(new RegExp(rule.pattern.source, 'g'))].map((m) => m[0]);
    if (words.length > 0) found.set(rule.value, [...new Set(words)]);
  }
  return found;
}

function quote(words: readonly string[]): string {
  return words.map((word) => `"${word}"`).join(', ');
}

function label(kind: AssetClass): string {
  return kind.replace('_', ' ');
}

function regionsLike(symbol: string): Allocation<Region> {
  return typicalFund(symbol).regions;
}

function sectorsLike(symbol: string): Allocation<Sector> {
  return typicalFund(symbol).sectors;
}

function typicalFund(symbol: string): Classification {
  const reference = referenceClassification(symbol);
  if (!reference) throw new Error(`offline classifier needs ${symbol} in reference data as its typical fund`);
  return reference;
}
