/**
 * The registry: every service, its declaration (`<name>/service.ts`) and its handler factory.
 * The local runtime, its worker threads and the CDK app read this list and nothing else, so a
 * new service is its own folder plus one line here. Lambda entry points import their own
 * declaration, never this file, so a bundle holds one service.
 */
import { createAggregatorHandler } from './aggregator/handler.ts';
import { aggregator } from './aggregator/service.ts';
import { createCharterHandler } from './charter/handler.ts';
import { charter } from './charter/service.ts';
import type { SqsBatchHandler } from './common/batch-handler.ts';
import type { ServiceContext, ServiceHooks } from './common/context.ts';
import type { ServiceDeclaration } from './common/declaration.ts';
import { createPlannerHandler } from './planner/handler.ts';
import { planner } from './planner/service.ts';
import { createReporterHandler } from './reporter/handler.ts';
import { reporter } from './reporter/service.ts';
import { createResearcherHandler } from './researcher/handler.ts';
import { researcher } from './researcher/service.ts';
import { createRetirementHandler } from './retirement/handler.ts';
import { retirement } from './retirement/service.ts';
import { createTaggerHandler } from './tagger/handler.ts';
import { tagger } from './tagger/service.ts';

export type HandlerFactory = (ctx: ServiceContext, hooks: ServiceHooks) => SqsBatchHandler;

export interface RegisteredService<N extends string = string> {
  service: ServiceDeclaration<N>;
  createHandler: HandlerFactory;
  /** The Lambda entry point, from the repository root; `services/<name>/lambda.ts` when absent. */
  entry?: string;
}

/** In the order the stacks, queues and dashboard rows are listed. */
export const SERVICE_REGISTRY = [
  { service: planner, createHandler: createPlannerHandler },
  { service: tagger, createHandler: createTaggerHandler },
  { service: reporter, createHandler: createReporterHandler },
  { service: charter, createHandler: createCharterHandler },
  { service: retirement, createHandler: createRetirementHandler },
  { service: aggregator, createHandler: createAggregatorHandler },
  { service: researcher, createHandler: createResearcherHandler },
] as const satisfies readonly RegisteredService[];

export type ServiceName = (typeof SERVICE_REGISTRY)[number]['service']['name'];
