/**
 * Builds the whole CDK app from a config: the core stack, one stack per service, the dashboard.
 * The CLI entry (app.ts) and the tests share it, so the tests synthesize what `cdk deploy` would.
 */
import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RegisteredService } from '#services/index.ts';
import { deadlineReceiver, type ServiceName, specsOf } from '../topology.ts';
import type { AlexConfig } from './config.ts';
import { STACK_NAMES } from './names.ts';
import { CoreStack } from './stacks/core-stack.ts';
import { MonitoringStack } from './stacks/monitoring-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';

export interface AlexApp {
  app: App;
  core: CoreStack;
  services: Record<ServiceName, ServiceStack>;
  monitoring: MonitoringStack;
}

export interface BuildOptions {
  appProps?: AppProps;
  /** Adds cdk-nag's AwsSolutions pack as a validation plugin, so synth fails on any finding. */
  nag?: boolean;
  /** The services to deploy, one stack each; the registry's (services/index.ts) by default. */
  services?: readonly RegisteredService[];
}

export function buildApp(config: AlexConfig, options: BuildOptions = {}): AlexApp {
  const app = new App(options.appProps);
  // No account: the stacks stay account-agnostic and synth needs no credentials and no lookups.
  const env: Environment = config.account
    ? { account: config.account, region: config.region }
    : { region: config.region };
  const tags = { project: 'alex' };
  const core = new CoreStack(app, STACK_NAMES.core, {
    env,
    config,
    tags,
    description: 'Alex core: bus, archive, jobs queue, tables, Aurora',
  });
  const specs = specsOf(options.services);
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
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, core, services, monitoring };
}
