/**
 * What Alex costs a month at 1k, 10k and 100k analyses, from the measured cost of one analysis
 * (cost.ts, an instrumented run) plus what does not scale with analyses: Aurora's hours, keys,
 * secrets, alarms, the dashboard, and each opt-in extra (docs/aws.md). Pure: figures in, dollars
 * out. Every assumption is a named constant here and a line in docs/aws.md.
 */
import { NOVA_LITE_PRICE } from '#services/common/metrics.ts';
import { type BenchResult, result } from './results.ts';

/** us-east-1 list prices as of 2025-06-01 (aws.amazon.com/<service>/pricing), first tier, free tiers ignored. */
export const MONTHLY_PRICES = {
  auroraPerAcuHour: 0.12,
  auroraStoragePerGbMonth: 0.1,
  kmsKeyPerMonth: 1,
  secretPerMonth: 0.4,
  alarmPerMonth: 0.1,
  dashboardPerMonth: 3,
  logsPerGbIngested: 0.5,
  /** Bedrock, Amazon Nova Lite on demand: the price the model-cost metric uses (services/common/metrics.ts). */
  novaLiteInputPer1kTokens: NOVA_LITE_PRICE.inputPer1k,
  novaLiteOutputPer1kTokens: NOVA_LITE_PRICE.outputPer1k,
  /** PrivateLink: per interface endpoint per zone per hour, and per GB processed. */
  interfaceEndpointPerAzHour: 0.01,
  endpointPerGbProcessed: 0.01,
  /** WAF: per web ACL, per rule (a managed rule group counts as one), per million requests. */
  wafWebAclPerMonth: 5,
  wafRulePerMonth: 1,
  wafPerMillionRequests: 0.6,
} as const;

export const HOURS_PER_MONTH = 730;
const GB = 1024 * 1024; // in KB

/** The deployed system as the stacks build it, and the usage assumed per analysis where none is measured. */
export const SYSTEM = {
  secrets: 5,
  kmsKeys: 1,
  alarms: 26,
  dashboards: 1,
  auroraStorageGb: 1,
  /** Idle long polling by the seven event source mappings beyond SQS's free million requests. */
  idlePollingUsd: 1.5,
  logKbPerAnalysis: 20,
  /** The offline model runs in the benchmark, so the model's share is estimated, not measured. */
  modelInputTokens: 4000,
  modelOutputTokens: 1000,
  /** infra/cdk/stacks/network-stack.ts: seven for every service, and S3 Vectors for the knowledge base. */
  interfaceEndpoints: 8,
  availabilityZones: 2,
  /** Events, messages, Data API results and model calls through the endpoints per analysis. */
  endpointKbPerAnalysis: 200,
  wafRules: 3,
  /** Dashboard and API calls per analysis that pass the web ACL. */
  apiRequestsPerAnalysis: 10,
  /** CloudTrail management events and Lambda network logs of an account running only Alex. */
  guardDutyUsd: 2,
  /** Monitoring budgets (no actions) cost nothing. */
  budgetUsd: 0,
} as const;

/** Aurora capacity-hours a month: awake 176 working hours at 0.5 ACU, around the clock at 0.5, around the clock at 1. */
export const SCENARIOS = [
  { analyses: 1_000, auroraAcuHours: 176 * 0.5 },
  { analyses: 10_000, auroraAcuHours: HOURS_PER_MONTH * 0.5 },
  { analyses: 100_000, auroraAcuHours: HOURS_PER_MONTH * 1 },
] as const;

export interface MonthlyCost {
  analyses: number;
  /** Measured per analysis (Lambda, SQS, EventBridge, DynamoDB, Data API) times analyses. */
  measured: number;
  model: number;
  aurora: number;
  fixed: number;
  logs: number;
  base: number;
  extras: { budget: number; guardduty: number; vpc: number; waf: number };
  withAllExtras: number;
}

export function monthlyCost(
  scenario: { analyses: number; auroraAcuHours: number },
  measuredPerAnalysisUsd: number,
  p = MONTHLY_PRICES,
): MonthlyCost {
  const n = scenario.analyses;
  const measured = n * measuredPerAnalysisUsd;
  const model =
    n *
    ((SYSTEM.modelInputTokens / 1000) * p.novaLiteInputPer1kTokens +
      (SYSTEM.modelOutputTokens / 1000) * p.novaLiteOutputPer1kTokens);
  const aurora = scenario.auroraAcuHours * p.auroraPerAcuHour + SYSTEM.auroraStorageGb * p.auroraStoragePerGbMonth;
  const fixed =
    SYSTEM.kmsKeys * p.kmsKeyPerMonth +
    SYSTEM.secrets * p.secretPerMonth +
    SYSTEM.alarms * p.alarmPerMonth +
    SYSTEM.dashboards * p.dashboardPerMonth +
    SYSTEM.idlePollingUsd;
  const logs = ((n * SYSTEM.logKbPerAnalysis) / GB) * p.logsPerGbIngested;
  const base = measured + model + aurora + fixed + logs;
  const extras = {
    budget: SYSTEM.budgetUsd,
    guardduty: SYSTEM.guardDutyUsd,
    vpc:
      SYSTEM.interfaceEndpoints * SYSTEM.availabilityZones * HOURS_PER_MONTH * p.interfaceEndpointPerAzHour +
      ((n * SYSTEM.endpointKbPerAnalysis) / GB) * p.endpointPerGbProcessed,
    waf:
      p.wafWebAclPerMonth +
      SYSTEM.wafRules * p.wafRulePerMonth +
      ((n * SYSTEM.apiRequestsPerAnalysis) / 1e6) * p.wafPerMillionRequests,
  };
  const withAllExtras = base + extras.budget + extras.guardduty + extras.vpc + extras.waf;
  return { analyses: n, measured, model, aurora, fixed, logs, base, extras, withAllExtras };
}

export function monthlyResults(measuredPerAnalysisUsd: number): BenchResult[] {
  return SCENARIOS.flatMap((scenario) => {
    const cost = monthlyCost(scenario, measuredPerAnalysisUsd);
    const k = `${scenario.analyses / 1000}k`;
    return [
      result(`cost.monthly${k}Usd`, cost.base, 'USD/month'),
      result(`cost.monthly${k}AllExtrasUsd`, cost.withAllExtras, 'USD/month'),
    ];
  });
}
