/**
 * A service is one folder: the auditor fixture (test/fixtures/services/auditor) is registered
 * next to the registry's services, with no other edit, and both the local runtime and the CDK
 * app wire it from its declaration alone, its database role and grants included.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SERVICE_ROLES_ENV, serviceRoles } from '#infra/cdk/handlers/migrate-database.ts';
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
  it('gets its queue, rule and database role on the local runtime, and its handler receives what the rule matches', async () => {
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

    // Its database role, with the grants its folder declares, next to the registry's.
    const grants = await runtime.db.query<{ role: string; table: string; privilege: string }>(
      `SELECT grantee AS role, table_name AS table, privilege_type AS privilege
         FROM information_schema.role_table_grants WHERE grantee = 'alex_auditor_role'`,
    );
    expect(grants).toEqual([{ role: 'alex_auditor_role', table: 'jobs', privilege: 'SELECT' }]);
  });

  it('gets its own stack from cdk synth (queue, DLQ, rule, function with its limits) and its login and role in the core', () => {
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
    // Its database login's secret and its role's grants, in the core stack's migrator.
    const core = synthesized.template(STACK_NAMES.core);
    const coreResources = Object.values(core.Resources) as Array<{ Type: string; Properties: any }>;
    expect(coreResources.map((r) => r.Properties?.Name)).toContain('alex/db-credentials/auditor');
    const migrator = coreResources.find((r) => r.Properties?.FunctionName === 'alex-migrate-database');
    expect(serviceRoles(migrator!.Properties.Environment.Variables[SERVICE_ROLES_ENV])).toContainEqual({
      service: 'auditor',
      groupRole: 'alex_auditor_role',
      grants: ['SELECT ON jobs'],
    });
    // The registry's own stacks are still all there.
    for (const { service } of SERVICE_REGISTRY) expect(synthesized.services[service.name]).toBeDefined();
  }, 180_000);
});
