/**
 * A deterministic rule set and event stream for the matcher benchmark, shaped like real bus
 * traffic: rules filter on exact detail-types and source prefixes and then on the detail
 * (array membership, numeric ranges, anything-but, exists, equals-ignore-case, `$or`, fields
 * inside arrays of objects), or on resource ARNs (suffix, wildcard), with up to 7 conditions;
 * events are EventBridge envelopes of 0.6–1.7 KB with nested detail and 0–16 positions.
 */
import { seededRandom } from '#infra/local/random.ts';

export { seededRandom };

type Random = () => number;
type Json = Record<string, unknown>;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

const SOURCES = [
  'alex.planner',
  'alex.tagger',
  'alex.reporter',
  'alex.charter',
  'alex.retirement',
  'alex.aggregator',
  'partner.crm',
  'partner.billing',
];
const DETAIL_TYPES = [
  'AnalysisRequested',
  'AnalysisPlanned',
  'SpecialistCompleted',
  'SpecialistFailed',
  'AnalysisCompleted',
  'AnalysisFailed',
  'ClassificationRequested',
  'InstrumentsClassified',
  'PortfolioUpdated',
  'PriceRefreshed',
] as const;
const TASKS = ['report', 'charts', 'retirement', 'tax', 'rebalance'];
const STATUSES = ['completed', 'partial', 'failed', 'pending', 'cancelled'];
const TIERS = ['Gold', 'gold', 'GOLD', 'Silver', 'silver', 'Platinum', 'bronze'];
const CHANNELS = ['cli', 'api', 'web', 'batch'];
const ASSET_CLASSES = ['equity', 'fixed_income', 'real_estate', 'commodities', 'cash'];
const ACCOUNT_TYPES = ['401k', 'roth_ira', 'traditional_ira', 'taxable', 'hsa'];
const SYMBOLS = [
  'VTI',
  'VOO',
  'BND',
  'VXUS',
  'VNQ',
  'GLD',
  'AAPL',
  'MSFT',
  'NVDA',
  'TIP',
  'VWO',
  'VEA',
  'FXAIX',
  'VBTLX',
  'SCHD',
  'QQQ',
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const ACCOUNT = '123456789012';
const QUEUES = [
  'alex-jobs',
  'alex-planner',
  'alex-tagger',
  'alex-reporter',
  'alex-charter',
  'alex-retirement',
  'alex-aggregator',
];
const TABLES = ['alex-completion', 'alex-idempotency', 'alex-jobs'];

function sourceFor(random: Random, detailType: string): string {
  if (detailType === 'PortfolioUpdated' || detailType === 'PriceRefreshed')
    return pick(random, ['partner.crm', 'partner.billing']);
  if (detailType === 'AnalysisPlanned') return 'alex.planner';
  if (detailType === 'AnalysisCompleted' || detailType === 'AnalysisFailed') return 'alex.aggregator';
  if (detailType === 'InstrumentsClassified') return 'alex.tagger';
  return pick(random, SOURCES.slice(0, 6));
}

function resourceArns(random: Random, region: string): string[] {
  const arns: string[] = [];
  const count = int(random, 0, 3);
  for (let i = 0; i < count; i++) {
    const kind = int(random, 0, 2);
    if (kind === 0) arns.push(`arn:aws:sqs:${region}:${ACCOUNT}:${pick(random, QUEUES)}`);
    else if (kind === 1) arns.push(`arn:aws:dynamodb:${region}:${ACCOUNT}:table/${pick(random, TABLES)}`);
    else
      arns.push(
        `arn:aws:lambda:${region}:${ACCOUNT}:function:alex-${pick(random, ['planner', 'reporter', 'charter'])}`,
      );
  }
  return arns;
}

function position(random: Random): Json {
  const quantity = int(random, 1, 5000);
  const price = Math.round(random() * 60000) / 100;
  return {
    symbol: pick(random, SYMBOLS),
    quantity,
    price,
    value: Math.round(quantity * price * 100) / 100,
    assetClass: pick(random, ASSET_CLASSES),
    account: { id: `acct-${int(random, 1, 9)}`, type: pick(random, ACCOUNT_TYPES) },
  };
}

const MIN_EVENT_BYTES = 600;
const MAX_EVENT_BYTES = 1700;

export function generateEvent(random: Random, index: number): Json {
  const detailType = pick(random, DETAIL_TYPES);
  const region = pick(random, REGIONS);
  const positions = Array.from({ length: int(random, 0, 16) }, () => position(random));
  const detail: Json = {
    version: 1,
    jobId: `job-${index.toString(16).padStart(8, '0')}-${Math.floor(random() * 1e9).toString(36)}`,
    userId: `user-${int(random, 1, 500)}`,
    tasks: TASKS.filter(() => random() < 0.5),
    status: pick(random, STATUSES),
    tier: pick(random, TIERS),
    priority: int(random, 0, 10),
    totalValue: Math.round(random() * 5_000_000 * 100) / 100,
    currency: 'USD',
    metadata: {
      channel: pick(random, CHANNELS),
      client: {
        name: pick(random, ['alex-cli', 'partner-sdk', 'web']),
        version: `1.${int(random, 0, 9)}.${int(random, 0, 20)}`,
      },
    },
    positions,
  };
  if (random() < 0.25) detail.errorCode = pick(random, ['Throttled', 'InvalidInput', 'Timeout']);
  const event: Json = {
    version: '0',
    id: `${Math.floor(random() * 0xffffffff)
      .toString(16)
      .padStart(8, '0')}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
    'detail-type': detailType,
    source: sourceFor(random, detailType),
    account: ACCOUNT,
    time: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: resourceArns(random, region),
    detail,
  };
  // Keep every event inside the size band the issue asks for: trim positions, or add a note.
  while (JSON.stringify(event).length > MAX_EVENT_BYTES) positions.pop();
  const size = JSON.stringify(event).length;
  if (size < MIN_EVENT_BYTES) detail.note = 'x'.repeat(MIN_EVENT_BYTES - size + int(random, 0, 200));
  return event;
}

/** One rule: its pattern and how many conditions (leaf fields) it has. */
export interface GeneratedRule {
  name: string;
  pattern: Json;
  conditions: number;
}

type ConditionMaker = (random: Random) => [path: string[], value: unknown];

/** Conditions on the detail a rule may add after its detail-type and source. */
const DETAIL_CONDITIONS: ConditionMaker[] = [
  (r) => [['detail', 'tasks'], [pick(r, TASKS)]],
  (r) => {
    const low = int(r, 0, 40) * 50_000;
    return [['detail', 'totalValue'], [{ numeric: ['>=', low, '<', low + int(r, 4, 60) * 50_000] }]];
  },
  (r) => {
    const first = int(r, 0, STATUSES.length - 1);
    const second = (first + int(r, 1, STATUSES.length - 1)) % STATUSES.length;
    return [['detail', 'status'], [{ 'anything-but': [STATUSES[first], STATUSES[second]] }]];
  },
  (r) => [['detail', 'errorCode'], [{ exists: r() < 0.5 }]],
  (r) => [['detail', 'tier'], [{ 'equals-ignore-case': pick(r, ['gold', 'silver', 'platinum']) }]],
  (r) => [['detail', 'priority'], [{ numeric: ['>', int(r, 0, 6)] }]],
  (r) => [
    ['detail', 'metadata', 'channel'],
    [pick(r, CHANNELS), pick(r, CHANNELS)],
  ],
  (r) => [['detail', 'positions', 'assetClass'], [pick(r, ASSET_CLASSES)]],
  (r) => [['detail', 'positions', 'account', 'type'], [pick(r, ACCOUNT_TYPES)]],
  (r) => [['detail', 'metadata', 'client', 'version'], [{ prefix: `1.${int(r, 0, 9)}` }]],
  (r) => [['detail', 'currency'], ['USD']],
];

/** Conditions on resource ARNs. */
const RESOURCE_CONDITIONS: ConditionMaker[] = [
  (r) => [['resources'], [{ suffix: `:table/${pick(r, TABLES)}` }]],
  (r) => [['resources'], [{ wildcard: `arn:aws:sqs:*:${ACCOUNT}:alex-${pick(r, ['r', 'c', 'p', 'a', 't'])}*` }]],
  (r) => [['resources'], [{ wildcard: `arn:aws:lambda:${pick(r, REGIONS)}:*:function:*` }]],
];

function setPath(pattern: Json, path: string[], value: unknown): void {
  let node = pattern;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]!] = value;
}

export function generateRule(random: Random, index: number): GeneratedRule {
  const pattern: Json = {};
  let conditions = 0;
  const kind = index % 10;
  // Nearly every real rule names its detail-types; a few only filter on a source prefix.
  if (kind !== 9) {
    pattern['detail-type'] =
      random() < 0.8 ? [pick(random, DETAIL_TYPES)] : [pick(random, DETAIL_TYPES), pick(random, DETAIL_TYPES)];
    conditions++;
  }
  if (random() < 0.7 || kind === 9) {
    pattern.source = random() < 0.5 ? [{ prefix: pick(random, ['alex.', 'partner.']) }] : [pick(random, SOURCES)];
    conditions++;
  }
  // A compound rule adds up to 5 more conditions (7 in all); others add 0 to 2.
  const extra = kind === 0 || kind === 5 ? int(random, 3, 5) : int(random, 0, 2);
  const makers = [...DETAIL_CONDITIONS];
  for (let i = 0; i < extra && makers.length > 0; i++) {
    const [path, value] = makers.splice(Math.floor(random() * makers.length), 1)[0]!(random);
    setPath(pattern, path, value);
    conditions++;
  }
  if (kind === 3 || kind === 7) {
    const [path, value] = pick(random, RESOURCE_CONDITIONS)(random);
    setPath(pattern, path, value);
    conditions++;
  }
  if (kind === 4) {
    const detail = (pattern.detail ??= {}) as Json;
    detail.$or = [
      { priority: [{ numeric: ['>=', int(random, 5, 9)] }] },
      { tier: [{ 'equals-ignore-case': pick(random, ['platinum', 'gold']) }] },
      { positions: { value: [{ numeric: ['>', int(random, 1, 20) * 50_000] }] } },
    ];
    conditions++;
  }
  if (kind === 8) {
    // Array consistency: both fields must hold within the same position.
    setPath(pattern, ['detail', 'positions'], {
      assetClass: [pick(random, ASSET_CLASSES)],
      value: [{ numeric: ['>', int(random, 1, 40) * 10_000] }],
    });
    conditions += 2;
  }
  if (conditions === 0) pattern.source = [{ prefix: 'alex.' }];
  return { name: `rule-${String(index).padStart(3, '0')}`, pattern, conditions: Math.max(conditions, 1) };
}

export interface MatcherWorkload {
  rules: GeneratedRule[];
  /** Each event's JSON text, as the bus hands it to rules. */
  eventTexts: string[];
}

export function generateWorkload(options: { rules: number; events: number; seed: number }): MatcherWorkload {
  const random = seededRandom(options.seed);
  const rules = Array.from({ length: options.rules }, (_, i) => generateRule(random, i));
  const eventTexts = Array.from({ length: options.events }, (_, i) => JSON.stringify(generateEvent(random, i)));
  return { rules, eventTexts };
}
