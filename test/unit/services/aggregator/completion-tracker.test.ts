/** The completion tracker against DynamoDB (dynalite, real SDK): conditional writes and the finishing claim. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#infra/local/dynamodb.ts';
import { TABLES } from '#infra/topology.ts';
import { CompletionTracker, isComplete } from '#services/aggregator/completion-tracker.ts';

let dynamo: LocalDynamo;
let tracker: CompletionTracker;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  tracker = new CompletionTracker(dynamo.client, TABLES.completion);
});
afterAll(() => dynamo.close());

const plan = (jobId: string) => ({
  jobId,
  userId: 'u1',
  tasks: ['report', 'charts', 'retirement'] as const,
  planned: '{}',
  deadline: '2026-11-21T10:00:00.000Z',
});
const outcome = (jobId: string, task: 'report' | 'charts' | 'retirement') => ({
  jobId,
  task,
  outcome: 'completed' as const,
  detail: `{"task":"${task}"}`,
  at: '2026-11-21T09:30:00.000Z',
});

describe('CompletionTracker', () => {
  it('keeps the first plan and the first outcome of each task; duplicates change nothing', async () => {
    expect(await tracker.recordPlan({ ...plan('job-1'), tasks: [...plan('job-1').tasks] })).toBe(true);
    expect(await tracker.recordPlan({ ...plan('job-1'), tasks: ['report'], planned: '{"other":1}' })).toBe(false);
    expect(await tracker.recordOutcome(outcome('job-1', 'report'))).toBe(true);
    expect(await tracker.recordOutcome({ ...outcome('job-1', 'report'), detail: '{"second":true}' })).toBe(false);
    const state = await tracker.load('job-1');
    expect(state.plan?.tasks).toEqual(['report', 'charts', 'retirement']);
    expect(state.outcomes.get('report')?.detail).toBe('{"task":"report"}');
    expect(isComplete(state)).toBe(false);
  });

  it('is complete only when the plan and every expected outcome are in, in any order', async () => {
    await tracker.recordOutcome(outcome('job-2', 'charts'));
    await tracker.recordOutcome(outcome('job-2', 'retirement'));
    await tracker.recordOutcome(outcome('job-2', 'report'));
    expect(isComplete(await tracker.load('job-2'))).toBe(false);
    await tracker.recordPlan({ ...plan('job-2'), tasks: [...plan('job-2').tasks] });
    expect(isComplete(await tracker.load('job-2'))).toBe(true);
  });

  it('is not complete while any planned task has not reported, though the plan is in', async () => {
    await tracker.recordPlan({ ...plan('job-4'), tasks: [...plan('job-4').tasks] });
    expect(isComplete(await tracker.load('job-4'))).toBe(false);
    await tracker.recordOutcome(outcome('job-4', 'report'));
    await tracker.recordOutcome({ ...outcome('job-4', 'retirement'), outcome: 'failed' });
    expect(isComplete(await tracker.load('job-4'))).toBe(false);
    await tracker.recordOutcome(outcome('job-4', 'charts'));
    expect(isComplete(await tracker.load('job-4'))).toBe(true);
  });

  it('lets exactly one claimant finish a job, and lets that claimant retry', async () => {
    await tracker.recordPlan({ ...plan('job-3'), tasks: [...plan('job-3').tasks] });
    const claimants = Array.from({ length: 12 }, (_, i) => `SpecialistCompleted#claimant-${i}`);
    const results = await Promise.all(claimants.map((c) => tracker.claim('job-3', c, 'completed')));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = claimants[results.indexOf(true)]!;
    expect(await tracker.claim('job-3', winner, 'completed')).toBe(true);
    expect(await tracker.claim('job-3', 'someone-else', 'completed')).toBe(false);
    expect(await tracker.claim('job-without-plan', winner, 'completed')).toBe(false);
  });

  it('when every outcome lands at the same instant, at least one writer sees the job complete and only one claims it', async () => {
    for (let round = 0; round < 5; round += 1) {
      const jobId = `race-${round}`;
      const writers = [
        async () => (
          await tracker.recordPlan({ ...plan(jobId), tasks: [...plan(jobId).tasks] }), 'AnalysisPlanned#plan'
        ),
        async () => (await tracker.recordOutcome(outcome(jobId, 'report')), 'SpecialistCompleted#report'),
        async () => (await tracker.recordOutcome(outcome(jobId, 'charts')), 'SpecialistCompleted#charts'),
        async () => (await tracker.recordOutcome(outcome(jobId, 'retirement')), 'SpecialistCompleted#retirement'),
      ];
      const finishers = await Promise.all(
        writers.map(async (write) => {
          const me = await write();
          const state = await tracker.load(jobId);
          return isComplete(state) && (await tracker.claim(jobId, me, 'completed'));
        }),
      );
      expect(finishers.filter(Boolean)).toHaveLength(1);
    }
  });
});
