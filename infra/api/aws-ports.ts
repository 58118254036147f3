/**
 * The API's ports on AWS: jobs go to the jobs queue with SQS SendMessage, the store is Aurora
 * through the Data API, and the event feed is derived from the job row (requested, planned,
 * finished), polled, because a Lambda cannot hold a bus subscription. The derived events are a
 * pure function of the row, so their numbering is stable across polls and Last-Event-ID works.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { FINISHED_STATUSES } from '#services/common/job-store.ts';
import type { ApiPorts, ApiStore, EventFeed, JobEvent, JobRecord } from './ports.ts';

export function sqsJobSubmitter(client: SQSClient, queueUrl: string): ApiPorts['jobs'] {
  return {
    async submit(request) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(request) }));
    },
  };
}

/** The events a job row implies, in order. */
export function eventsOfJob(job: JobRecord): JobEvent[] {
  const events: Array<Omit<JobEvent, 'seq'>> = [];
  if (job.plannedAt) events.push({ detailType: 'AnalysisPlanned', time: job.plannedAt, data: { tasks: job.tasks } });
  if (job.finishedAt && FINISHED_STATUSES.includes(job.status)) {
    events.push(
      job.status === 'failed'
        ? { detailType: 'AnalysisFailed', time: job.finishedAt, data: { reason: job.error ?? 'failed' } }
        : { detailType: 'AnalysisCompleted', time: job.finishedAt, data: { status: job.status } },
    );
  }
  return events.map((event, index) => ({ ...event, seq: index + 1 }));
}

/** Polls the job row every `intervalMs` per subscriber, from the first event: the route drops repeats. */
export function polledEventFeed(store: ApiStore, intervalMs = 1000): EventFeed {
  const read = async (userId: string, jobId: string) => {
    const job = await store.getJob(userId, jobId);
    return job ? eventsOfJob(job) : [];
  };
  return {
    history: read,
    subscribe(userId, jobId, listener) {
      let seen = 0;
      let stopped = false;
      const tick = async () => {
        const events = await read(userId, jobId).catch(() => []);
        if (stopped) return;
        for (const event of events.slice(seen)) listener(event);
        seen = Math.max(seen, events.length);
        setTimeout(tick, intervalMs);
      };
      void tick();
      return () => {
        stopped = true;
      };
    },
  };
}
