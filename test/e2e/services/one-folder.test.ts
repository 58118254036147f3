/**
 * A service is one folder: the auditor fixture (test/fixtures/services/auditor) is registered
 * next to the registry's services, with no other edit, and both the local runtime and the CDK
 * app wire it from its declaration alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STACK_NAMES } from '#infra/cdk/names.ts';
import type { LocalRuntime } from '#infra/local/runtime.ts';
import type { ServiceName } from '#infra/topology.ts';
import { SERVICE_REGISTRY } from '#services/index.ts';
import { noted } from '#test/fixtures/services/auditor/handler.ts';
import { AUDITOR } from '#test/fixtures/services/auditor/index.ts';
import { synthesize } from '#test/unit/infra/cdk/synth.ts';
import { isJobEnd, jobRequest, startWithExample } from '../support.ts';

const WITH_AUDITOR = [...SERVICE_REGISTRY, AUDITOR];

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

describe('a service registered from its own folder', () => {
  it('gets its queue and rule on the local runtime, and its handler receives what the rule matches', async () => {
    const started = await startWithExample({ services: WITH_AUDITOR });
    runtime = started.runtime;
    const pair = runtime.queues.get('auditor' as ServiceName);
    expect(pair?.queue.name).toBe('alex-auditor');
    expect(pair?.dlq.name).toBe('alex-auditor-dlq');

    const request = jobRequest(started.portfolio.user.id);
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 60_000);
    runtime.sendJob(JSON.stringify(request));
    await done;
    await runtime.idle();
    expect(noted).toEqual([request.jobId]);
  });

  it('gets its own stack from cdk synth: queue, DLQ, rule, function with its limits', () => {
    const synthesized = synthesize({}, { services: WITH_AUDITOR });
    const template = synthesized.template(STACK_NAMES.service('auditor'));
    const resources = Object.values(template.Resources) as Array<{ Type: string; Properties: any }>;
    const ofType = (type: string) => resources.filter((r) => r.Type === type).map((r) => r.Properties);

    expect(ofType('AWS::SQS::Queue').map((q) => q.QueueName)).toEqual(
      expect.arrayContaining(['alex-auditor', 'alex-auditor-dlq']),
    );
    expect(ofType('AWS::Events::Rule')).toEqual([
      expect.objectContaining({
        Name: 'alex-auditor-job-finished',
        EventPattern: { source: ['alex.aggregator'], 'detail-type': ['AnalysisCompleted', 'AnalysisFailed'] },
      }),
    ]);
    expect(ofType('AWS::Lambda::Function')).toEqual([
      expect.objectContaining({ FunctionName: 'alex-auditor', MemorySize: 256, Timeout: 20 }),
    ]);
    expect(ofType('AWS::Lambda::EventSourceMapping')).toEqual([
      expect.objectContaining({ BatchSize: 2, ScalingConfig: { MaximumConcurrency: 2 } }),
    ]);
    // The registry's own stacks are still all there.
    for (const { service } of SERVICE_REGISTRY) expect(synthesized.services[service.name]).toBeDefined();
  }, 180_000);
});
