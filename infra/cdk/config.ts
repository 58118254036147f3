/**
 * Deployment configuration, in one place. Defaults live here; `cdk.json` context (or `-c key=value`
 * on the command line) overrides them. Everything a service declares (rules, queue, memory,
 * timeout and concurrency cap) stays in its services/<name>/service.ts: this file only
 * holds what differs between deployments.
 */
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import { AwsKnowledgeSettings, TITAN_EMBED_V2_ID } from '#services/researcher/knowledge-settings.ts';
import { SERVICE_NAMES, type ServiceName } from '../topology.ts';

const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const Region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1');

const FunctionOverride = z
  .object({
    memoryMb: z.number().int().min(128).max(10_240).optional(),
    timeoutSeconds: z.number().int().min(1).max(900).optional(),
    /** Reserved concurrency; unset by default because a new account has little unreserved concurrency. */
    reservedConcurrency: z.number().int().min(1).optional(),
  })
  .strict();

const ScheduledReanalysis = z
  .object({
    enabled: z.boolean(),
    /** EventBridge Scheduler expression, e.g. `cron(0 6 ? * MON *)` or `rate(7 days)`. */
    expression: z
      .string()
      .regex(/^(cron|rate|at)\(.+\)$/, 'must be a Scheduler expression: cron(...), rate(...) or at(...)'),
    timezone: z.string().min(1),
    /** The households whose stored portfolio is re-analysed; one schedule each. */
    userIds: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, 'must be a user id')).max(50),
  })
  .strict();

/** A secret's name, or its complete ARN (with the six characters Secrets Manager adds to the name). */
const SecretRef = z
  .string()
  .regex(
    /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}|[A-Za-z0-9/_+=.@-]{1,512})$/,
    'must be a Secrets Manager secret name (e.g. alex/langfuse) or its complete ARN (ending in -xxxxxx)',
  );

const WebAclArn = z
  .string()
  .regex(/^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\//, 'must be a CLOUDFRONT-scope web ACL ARN in us-east-1');

const ApiSettings = z
  .object({
    /** The token issuer (`iss`); API Gateway finds its keys from its OpenID configuration. */
    issuer: z.url({ protocol: /^https$/, error: 'must be an https URL (the token iss)' }),
    /** Accepted `aud` (or `client_id`) values. */
    audience: z.array(z.string().min(1)).min(1),
    /** The JWKS the function checks tokens against; `<issuer>/.well-known/jwks.json` when absent. */
    jwksUrl: z.url({ protocol: /^https$/ }).optional(),
    /** API Gateway stage throttling (all users together); the app adds a per-user bucket. */
    ratePerSecond: z.number().positive().max(10_000).default(50),
    burst: z.number().int().positive().max(5_000).default(100),
    corsOrigins: z.array(z.url()).default([]),
    /** A CloudFront WAF web ACL (us-east-1) for the streaming distribution, e.g. the AlexWaf stack's. */
    webAclArn: WebAclArn.optional(),
  })
  .strict();

const WebSettings = z
  .object({
    /** The OIDC client the dashboard signs in as (a public client: no secret ever reaches a page). */
    clientId: z.string().min(1),
    scopes: z.array(z.string().min(1)).min(1).default(['openid', 'profile', 'email']),
    /** Origins the page calls besides the API and the issuer, e.g. a token endpoint on another host. */
    connectOrigins: z.array(z.url({ protocol: /^https$/, error: 'must be an https origin' })).default([]),
    /** A CloudFront WAF web ACL for the dashboard's distribution; `api.webAclArn` when absent. */
    webAclArn: WebAclArn.optional(),
  })
  .strict();

export const AlexConfigSchema = z
  .object({
    /** Unset: the stacks are account-agnostic and resolve the account at deploy time. */
    account: AccountId.optional(),
    region: Region,
    /** Aurora needs two subnets in distinct zones; named here so synth never looks zones up. */
    availabilityZones: z.array(z.string().min(1)).min(2).max(3).optional(),
    /** `offline` keeps every function on the deterministic offline model (no Bedrock permission at all). */
    model: z.enum(['bedrock', 'offline']),
    /** Called in the function's own region (the SDK reads AWS_REGION): keep modelRegion equal to region or use an inference profile id. */
    modelId: z.string().min(1),
    modelRegion: Region,
    /**
     * Where the planner finds prices the portfolio lacks: `local` (the portfolio's own prices) or
     * `polygon` (Polygon.io, key in the alex/polygon-api-key secret: set its value before switching).
     */
    prices: z.enum(['local', 'polygon']),
    archiveRetentionDays: z.number().int().min(1).max(3650),
    aurora: z
      .object({
        /** 0 lets the cluster pause when idle (Aurora PostgreSQL 16.3+), so an idle month costs storage only. */
        minCapacity: z.number().min(0).max(256),
        maxCapacity: z.number().min(1).max(256),
        databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier'),
      })
      .strict()
      .refine((a) => a.minCapacity <= a.maxCapacity, {
        message: 'minCapacity must not exceed maxCapacity',
        path: ['minCapacity'],
      }),
    functions: z.partialRecord(z.enum(SERVICE_NAMES as [ServiceName, ...ServiceName[]]), FunctionOverride),
    features: z.object({ advancedCharts: z.boolean(), taxAnalysis: z.boolean(), esgScoring: z.boolean() }).strict(),
    /** Accounts allowed to PutEvents on the bus besides this one. */
    allowedPublisherAccounts: z.array(AccountId),
    /** Linked source maps in the bundles (about +1 MB each: over the 1 MB asset budget). */
    sourceMaps: z.boolean(),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    logRetentionDays: z.union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(365)]),
    /** Emails subscribed to the alarm topic. */
    alarmEmails: z.array(z.email()),
    scheduledReanalysis: ScheduledReanalysis,
    // The enterprise extras (docs/aws.md "Opt-in extras"): each off by default, each its own stack.
    /** Monthly cost budget in USD for everything tagged project=alex; unset: no AlexCost stack. */
    budget: z.number().positive().max(1_000_000).optional(),
    /**
     * GuardDuty: `true` creates the region's detector; `existing` keeps the detector the account
     * already has (a region holds one, and creating a second fails) and only routes its findings.
     */
    guardduty: z.union([z.boolean(), z.literal('existing')]),
    /** Service functions in private subnets with VPC endpoints only: no NAT, no internet. */
    vpc: z.boolean(),
    /** The AlexWaf stack (us-east-1): a CloudFront-scope web ACL for the API's distribution. */
    waf: z.boolean(),
    /** Requests one client IP may make in any 5 minutes before the web ACL blocks it. */
    wafRateLimit: z.number().int().min(10).max(2_000_000_000),
    /**
     * The knowledge embedder on AWS: `{"embedder":"bedrock","dimension":256|512|1024}` (Titan Text
     * Embeddings V2) or `{"embedder":"sagemaker","endpointName":"…","dimension":…}`; docs/knowledge.md.
     */
    knowledge: AwsKnowledgeSettings,
    /**
     * Traces on AWS (docs/observability.md): `xray` adds the ADOT collector layer to every service
     * function and sends their OpenTelemetry spans through it to X-Ray; `off` loads no tracing at all.
     */
    tracing: z.enum(['off', 'xray']),
    /**
     * A Secrets Manager secret holding LangFuse's keys as JSON {publicKey, secretKey, host}, by name
     * (`alex/langfuse`) or complete ARN; the functions that call a model read it at cold start.
     */
    langfuseSecret: SecretRef.optional(),
    /** The HTTP API (AlexApi stack); absent: no API stack. `-c api='{"issuer":"https://…","audience":["alex"]}'`. */
    api: ApiSettings.optional(),
    /** The dashboard on S3 + CloudFront (AlexWeb stack); needs `api` (its issuer). `-c web='{"clientId":"…"}'`. */
    web: WebSettings.optional(),
  })
  .strict()
  .refine((c) => !(c.web && !c.api), {
    message: "the dashboard signs in with the API's issuer and calls the API: configure api as well, or remove web",
    path: ['web'],
  })
  .refine((c) => !(c.vpc && c.langfuseSecret), {
    message:
      'private networking has no route to the internet, so the functions cannot reach LangFuse: remove langfuseSecret, or set vpc to false',
    path: ['vpc'],
  })
  .refine((c) => !(c.vpc && c.prices === 'polygon'), {
    message:
      'private networking has no route to the internet, so the planner cannot reach Polygon.io: set prices to local, or vpc to false',
    path: ['vpc'],
  });

export type AlexConfig = z.infer<typeof AlexConfigSchema>;

export const DEFAULT_CONFIG: AlexConfig = {
  region: 'eu-west-1',
  model: 'bedrock',
  modelId: 'amazon.nova-lite-v1:0',
  modelRegion: 'eu-west-1',
  prices: 'local',
  archiveRetentionDays: 30,
  aurora: { minCapacity: 0, maxCapacity: 2, databaseName: 'alex' },
  functions: {},
  features: { advancedCharts: false, taxAnalysis: false, esgScoring: false },
  allowedPublisherAccounts: [],
  sourceMaps: false,
  logLevel: 'INFO',
  logRetentionDays: 30,
  alarmEmails: [],
  scheduledReanalysis: { enabled: false, expression: 'cron(0 6 ? * MON *)', timezone: 'UTC', userIds: [] },
  guardduty: false,
  vpc: false,
  waf: false,
  wafRateLimit: 1000,
  knowledge: { embedder: 'bedrock', modelId: TITAN_EMBED_V2_ID, dimension: 1024 },
  tracing: 'off',
};

/** The keys read from CDK context; each is the config field of the same name. */
export const CONTEXT_KEYS = Object.keys(AlexConfigSchema.shape) as Array<keyof AlexConfig>;

/**
 * Merges overrides (CDK context values, which arrive as strings from `-c key=value` and as JSON
 * from cdk.json) onto the defaults, one level deep for objects, and validates the result.
 */
export function resolveConfig(overrides: Partial<Record<keyof AlexConfig, unknown>> = {}): AlexConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const key of CONTEXT_KEYS) {
    const raw = overrides[key];
    if (raw === undefined) continue;
    const value = typeof raw === 'string' ? parseContextString(raw) : raw;
    const base = merged[key];
    // An override naming another embedder is another shape (knowledge settings): it replaces the default.
    const otherShape =
      isPlainObject(base) && isPlainObject(value) && 'embedder' in value && value.embedder !== base.embedder;
    merged[key] = isPlainObject(base) && isPlainObject(value) && !otherShape ? { ...base, ...value } : value;
  }
  return InvalidInputError.parse(AlexConfigSchema, merged, 'CDK config');
}

/** Reads overrides from CDK context (cdk.json `context` or `-c`). */
export function configFromContext(tryGetContext: (key: string) => unknown): AlexConfig {
  const overrides: Partial<Record<keyof AlexConfig, unknown>> = {};
  for (const key of CONTEXT_KEYS) {
    const value = tryGetContext(key);
    if (value !== undefined) overrides[key] = value;
  }
  return resolveConfig(overrides);
}

/** Memory, timeout and reserved concurrency of a function: topology first, then the config override. */
export function functionSettings(config: AlexConfig, memoryMb: number, timeoutSeconds: number, service: string) {
  const override = config.functions[service as ServiceName] ?? {};
  return {
    memoryMb: override.memoryMb ?? memoryMb,
    timeoutSeconds: override.timeoutSeconds ?? timeoutSeconds,
    reservedConcurrency: override.reservedConcurrency,
  };
}

function parseContextString(raw: string): unknown {
  // `-c aurora='{"maxCapacity":4}'` is JSON; `-c region=eu-west-1` is a plain string. What is
  // neither valid JSON nor the right type is reported by the schema, naming the field.
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
