/**
 * `alex watch` sees a job from its request on: before the planner has announced anything (so the
 * archive holds nothing of it), the jobs queue's message alone makes it the newest job, queued
 * until a planner receives it and planning while one holds it. Homes are written with the
 * journal's own snapshot writer, as a running runtime leaves them.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statePaths } from '#infra/local/home.ts';
import { newestJob, viewJob } from '#infra/local/job-watch.ts';
import type { QueueMessage } from '#infra/local/queue.ts';
import { writeSnapshot } from '#infra/local/queue-journal.ts';

const JOB = '11111111-2222-4333-8444-555555555555';
const OLDER = '99999999-2222-4333-8444-555555555555';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let home: string | undefined;
afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

function request(receiveCount: number, sentAt: number): QueueMessage {
  const detail = { version: 1, jobId: JOB, userId: 'u-1', requestedAt: new Date(sentAt).toISOString() };
  return {
    messageId: 'm-1',
    body: JSON.stringify({ ...detail, metadata: { traceparent: TRACEPARENT } }),
    sentAt,
    receiveCount,
    attributes: {},
  };
}

function homeWith(jobs: QueueMessage[], archivedAt?: number): string {
  home = mkdtempSync(join(tmpdir(), 'alex-job-watch-'));
  writeSnapshot(home, { 'alex-jobs': jobs });
  if (archivedAt !== undefined) {
    const envelope = {
      version: '0',
      id: 'e-1',
      'detail-type': 'AnalysisCompleted',
      source: 'alex.aggregator',
      account: '000000000000',
      time: new Date(archivedAt).toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: { jobId: OLDER, status: 'completed' },
    };
    appendFileSync(statePaths(home).archive, `${JSON.stringify(envelope)}\n`);
  }
  return home;
}

describe('alex watch before the job is planned', () => {
  it('finds a job whose request waits in the jobs queue, newer than the archive last job', () => {
    const at = Date.parse('2026-11-30T09:00:00Z');
    expect(newestJob(homeWith([request(0, at)], at - 60_000))).toBe(JOB);
  });

  it('keeps the archive job when the queued request is older than it', () => {
    const at = Date.parse('2026-11-30T09:00:00Z');
    expect(newestJob(homeWith([request(0, at)], at + 60_000))).toBe(OLDER);
  });

  it('shows the job queued, with the trace id its request carries, until a planner receives it', async () => {
    const at = Date.parse('2026-11-30T09:00:00Z');
    const view = await viewJob(homeWith([request(0, at)]), JOB, at + 2_000);
    expect(view.status).toBe('queued');
    expect(view.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(view.lanes.find((lane) => lane.service === 'planner')?.state).toEqual({ kind: 'queued' });
    expect(view.queues.find((queue) => queue.name === 'alex-jobs')).toEqual({
      name: 'alex-jobs',
      depth: 1,
      oldestAgeMs: 2_000,
    });
  });

  it('shows the job planning while the planner holds its request', async () => {
    const at = Date.parse('2026-11-30T09:00:00Z');
    const view = await viewJob(homeWith([request(1, at)]), JOB, at + 2_000);
    expect(view.status).toBe('planning');
    expect(view.lanes.find((lane) => lane.service === 'planner')?.state).toEqual({ kind: 'in-flight' });
    expect(view.waitingFor).toEqual([]);
  });
});
