/**
 * Builds the whole CDK app from a config: the core stack, one stack per service, the dashboard.
 * The CLI entry (app.ts) and the tests share it, so the tests synthesize what `cdk deploy` would.
 */
import { join } from 'node:path';
import { App, type AppProps, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RegisteredService } from '#services/index.ts';
import { deadlineReceiver, type ServiceName, specsOf } from '../topology.ts';
import type { AlexConfig } from './config.ts';
import { BundledFunction, REPO_ROOT } from './constructs/bundled-function.ts';
import { EDGE_REGION } from './constructs/edge-web-acl.ts';
import { COST_TAG, STACK_NAMES } from './names.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { CoreStack } from './stacks/core-stack.ts';
import { CostStack } from './stacks/cost-stack.ts';
import { MonitoringStack } from './stacks/monitoring-stack.ts';
import { NetworkStack } from './stacks/network-stack.ts';
import { SecurityStack } from './stacks/security-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';
import { WafStack } from './stacks/waf-stack.ts';
import { WebStack } from './stacks/web-stack.ts';

export interface AlexApp {
  app: App;
  core: CoreStack;
  services: Record<ServiceName, ServiceStack>;
  monitoring: MonitoringStack;
  /** Present when `api` is configured. */
  api?: ApiStack;
  /** The opt-in extras (docs/aws.md), each present only when its switch is on. */
  cost?: CostStack;
  security?: SecurityStack;
  network?: NetworkStack;
  waf?: WafStack;
  /** Present when `web` is configured. */
  web?: WebStack;
}

export interface BuildOptions {
  appProps?: AppProps;
  /** Adds cdk-nag's AwsSolutions pack as a validation plugin, so synth fails on any finding. */
  nag?: boolean;
  /** The services to deploy, one stack each; the registry's (services/index.ts) by default. */
  services?: readonly RegisteredService[];
  /** The built dashboard the AlexWeb stack deploys; `dist/web` (scripts/build.ts) by default. */
  webAssetsDir?: string;
}

export function buildApp(config: AlexConfig, options: BuildOptions = {}): AlexApp {
  const app = new App(options.appProps);
  // No account: the stacks stay account-agnostic and synth needs no credentials and no lookups.
  const env: Environment = config.account
    ? { account: config.account, region: config.region }
    : { region: config.region };
  const tags = { [COST_TAG.key]: COST_TAG.value };
  const specs = specsOf(options.services);
  const core = new CoreStack(app, STACK_NAMES.core, {
    env,
    config,
    services: specs,
    tags,
    description: 'Alex core: bus, archive, jobs queue, tables, Aurora',
  });
  const deadlineQueueName = deadlineReceiver(specs).queue.name;
  const services = Object.fromEntries(
    specs.map((spec) => [
      spec.name,
      new ServiceStack(app, STACK_NAMES.service(spec.name), {
        env,
        config,
        spec,
        deadlineQueueName,
        tags,
        description: `Alex ${spec.name}: ${spec.description}`,
      }),
    ]),
  ) as Record<ServiceName, ServiceStack>;
  // Deploy order only (service stacks read the core's SSM parameters at deploy time); this adds
  // no export or reference, so `cdk deploy AlexCharter --exclusively` still deploys one stack.
  for (const stack of Object.values(services)) stack.addStackDependency(core, 'reads the /alex/core/ SSM parameters');
  const monitoring = new MonitoringStack(app, STACK_NAMES.monitoring, {
    env,
    config,
    services: specs,
    tags,
    description: 'Alex dashboard',
  });
  const extras = buildExtras(app, config, env, Object.values(services));
  // Order only, as for the services: Budgets checks at creation that it may publish to the core's topic.
  for (const stack of [extras.cost, extras.security]) stack?.addStackDependency(core, 'publishes to the alarm topic');
  // On every resource, not only on the stacks: the budget filters on it, and the templates show it.
  Tags.of(app).add(COST_TAG.key, COST_TAG.value);
  const api = config.api
    ? new ApiStack(app, STACK_NAMES.api, { env, config, api: config.api, tags, description: 'Alex HTTP API' })
    : undefined;
  api?.addStackDependency(core, 'reads the /alex/core/ SSM parameters');
  const web =
    config.api && config.web
      ? new WebStack(app, STACK_NAMES.web, {
          env,
          tags,
          api: config.api,
          web: config.web,
          assetsDir: options.webAssetsDir ?? join(REPO_ROOT, 'dist', 'web'),
          description: 'Alex dashboard: S3 behind CloudFront with the dashboard CSP',
        })
      : undefined;
  if (api) web?.addStackDependency(api, 'reads the /alex/api/ SSM parameters');
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, core, services, monitoring, api, web, ...extras };
}

/** The opt-in stacks; each deploys alone and finds what it needs of the core by name. */
function buildExtras(app: App, config: AlexConfig, env: Environment, services: ServiceStack[]) {
  const tags = { [COST_TAG.key]: COST_TAG.value };
  const cost =
    config.budget === undefined
      ? undefined
      : new CostStack(app, STACK_NAMES.cost, {
          env,
          tags,
          budgetUsd: config.budget,
          description: 'Alex monthly cost budget and its alerts',
        });
  const security =
    config.guardduty === false
      ? undefined
      : new SecurityStack(app, STACK_NAMES.security, {
          env,
          tags,
          detector: config.guardduty === 'existing' ? 'existing' : 'create',
          description: 'Alex threat detection: GuardDuty and its findings to the alarm topic',
        });
  let network: NetworkStack | undefined;
  if (config.vpc) {
    network = new NetworkStack(app, STACK_NAMES.network, {
      env,
      tags,
      config,
      knowledge: services.some((stack) => stack.knowledgeAccess !== undefined),
      description: 'Alex private networking: subnets without a route out, VPC endpoints',
    });
    for (const stack of services) {
      stack.addStackDependency(network, 'reads the /alex/network/ SSM parameters');
      for (const node of stack.node.findAll()) if (node instanceof BundledFunction) node.placeInPrivateNetwork();
    }
  }
  const waf = config.waf
    ? new WafStack(app, STACK_NAMES.waf, {
        env: { ...env, region: EDGE_REGION },
        tags,
        rateLimitPer5Minutes: config.wafRateLimit,
        description: 'Alex WAF web ACL for CloudFront (us-east-1)',
      })
    : undefined;
  return { cost, security, network, waf };
}
