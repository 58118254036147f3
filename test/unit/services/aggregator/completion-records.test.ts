/**
 * What the completion tracker stores besides plans and outcomes, against dynalite with a fixed
 * clock: timeline steps, the claim's status and time, the published mark, every item's expiry
 * (30 days after it was written), and errors other than a lost condition passed on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#infra/local/dynamodb.ts';
import { TABLES } from '#infra/topology.ts';
import { CompletionTracker } from '#services/aggregator/completion-tracker.ts';

const NOW = new Date('2026-11-21T09:30:00.000Z');
// 2026-11-21T09:30:00Z is 1,795,253,400 s after the epoch; 30 days are 2,592,000 s.
const EXPIRES_AT = 1_795_253_400 + 2_592_000;

let dynamo: LocalDynamo;
let tracker: CompletionTracker;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  tracker = new CompletionTracker(dynamo.client, TABLES.completion, () => NOW);
});
afterAll(() => dynamo.close());

const plan = (jobId: string) => ({
  jobId,
  userId: 'u1',
  tasks: ['report' as const],
  planned: '{}',
  deadline: '2026-11-21T10:00:00.000Z',
});

describe('CompletionTracker records', () => {
  it('keeps the first sighting of each step apart from the outcomes', async () => {
    const step = { jobId: 'steps-1', detailType: 'ClassificationRequested', at: '2026-11-21T09:29:01Z', note: '2' };
    expect(await tracker.recordStep(step)).toBe(true);
    expect(await tracker.recordStep({ ...step, at: '2026-11-21T09:29:09Z' })).toBe(false);
    expect(await tracker.recordStep({ ...step, detailType: 'InstrumentsClassified', note: undefined })).toBe(true);
    await tracker.recordOutcome({ jobId: 'steps-1', task: 'report', outcome: 'completed', detail: '{}', at: 't' });
    const state = await tracker.load('steps-1');
    expect(state.plan).toBeUndefined();
    expect([...state.outcomes.keys()]).toEqual(['report']);
    expect(state.steps.map((s) => [s.detailType, s.at, s.note])).toEqual([
      ['ClassificationRequested', '2026-11-21T09:29:01Z', '2'],
      ['InstrumentsClassified', '2026-11-21T09:29:01Z', undefined],
    ]);
  });

  it('writes every item to expire 30 days after it was written', async () => {
    await tracker.recordPlan(plan('ttl-1'));
    await tracker.recordOutcome({ jobId: 'ttl-1', task: 'report', outcome: 'failed', detail: '{}', at: 't' });
    await tracker.recordStep({ jobId: 'ttl-1', detailType: 'InstrumentsClassified', at: 't' });
    const state = await tracker.load('ttl-1');
    const items = [state.plan, state.outcomes.get('report'), state.steps[0]] as unknown as { expiresAt: number }[];
    expect(items.map((item) => item.expiresAt)).toEqual([EXPIRES_AT, EXPIRES_AT, EXPIRES_AT]);
  });

  it('records the claim’s status and time on the plan, and the publication once marked', async () => {
    await tracker.recordPlan(plan('claim-1'));
    expect(await tracker.claim('claim-1', 'SpecialistCompleted#report', 'partial')).toBe(true);
    let stored = (await tracker.load('claim-1')).plan as unknown as Record<string, unknown>;
    expect(stored).toMatchObject({
      finalizedBy: 'SpecialistCompleted#report',
      finalStatus: 'partial',
      finalizedAt: '2026-11-21T09:30:00.000Z',
    });
    expect(stored.published).toBeUndefined();
    await tracker.markPublished('claim-1');
    stored = (await tracker.load('claim-1')).plan as unknown as Record<string, unknown>;
    expect(stored.published).toBe(true);
  });

  it('reads a job whose items span several pages', async () => {
    // DynamoDB pages a query at 1 MB: 12 steps of 100 KB each need at least two pages.
    const note = 'x'.repeat(100_000);
    for (let i = 0; i < 12; i += 1) {
      await tracker.recordStep({ jobId: 'pages-1', detailType: `Step${String(i).padStart(2, '0')}`, at: 't', note });
    }
    await tracker.recordPlan(plan('pages-1'));
    const state = await tracker.load('pages-1');
    expect(state.steps).toHaveLength(12);
    expect(state.plan?.jobId).toBe('pages-1');
  });

  it('passes on a failure that is not a lost condition', async () => {
    const lost = new CompletionTracker(dynamo.client, 'no-such-table', () => NOW);
    await expect(lost.recordPlan(plan('x'))).rejects.toThrow(/not found|ResourceNotFound|non-existent/i);
    await expect(lost.claim('x', 'me', 'completed')).rejects.toThrow(/not found|ResourceNotFound|non-existent/i);
  });
});
