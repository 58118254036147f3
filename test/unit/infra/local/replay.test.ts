/**
 * Archive replay on the local bus (window, rules, replay-name, no re-archiving, opting out) and
 * the dead-letter operations (summaries, service filter, redrive resetting the receive count).
 */
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';
import { EventArchive } from '#infra/local/archive.ts';
import { LocalBus } from '#infra/local/bus.ts';
import { listDeadLetters, queueKeysOf, redriveDeadLetters, summarizeBody } from '#infra/local/dead-letters.ts';
import { LocalQueue } from '#infra/local/queue.ts';
import {
  defaultReplayName,
  parseReplayWindow,
  parseServiceName,
  replayArchive,
  selectReplayEvents,
  serviceRules,
} from '#infra/local/replay.ts';
import type { QueueKey, QueuePair } from '#infra/local/runtime.ts';
import { allRules, effectivePattern, queueSettings, type RuleSpec } from '#infra/topology.ts';

function envelope(
  detailType: string,
  time: string,
  detail: Record<string, unknown> = {},
  source = 'alex.planner',
): EventEnvelope {
  return {
    version: '0',
    id: `${detailType}-${time}`,
    'detail-type': detailType,
    source,
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** A notifier that must never see history again: the kind of rule that opts out. */
const NOTIFIER: RuleSpec = {
  name: 'test-notify-completed',
  description: 'Tells a person an analysis is ready; a replay must not tell them again',
  pattern: { 'detail-type': ['AnalysisCompleted'] },
  target: 'aggregator',
  acceptsReplays: false,
};

/** A bus with the topology's rules (plus the notifier) recording what each rule received. */
function recordingBus(extra: RuleSpec[] = [NOTIFIER]) {
  const archive = new EventArchive(undefined);
  const bus = new LocalBus({ name: 'alex-bus', account: '000000000000', region: 'us-east-1', archive });
  const rules = [...allRules(), ...extra];
  const received = new Map<string, Array<Record<string, unknown>>>(rules.map((rule) => [rule.name, []]));
  for (const rule of rules)
    bus.addRule(rule.name, effectivePattern(rule), (json) => received.get(rule.name)!.push(JSON.parse(json)));
  return { bus, archive, rules, received };
}

const PLANNED = { jobId: 'a1', tasks: ['report', 'charts', 'retirement'] };

describe('replay window and rules', () => {
  it('selects events at or after --since and strictly before --until, as StartReplay does', () => {
    const events = ['2026-11-20T09:59:59Z', '2026-11-20T10:00:00Z', '2026-11-20T10:30:00Z', '2026-11-20T11:00:00Z'].map(
      (t) => envelope('AnalysisPlanned', t),
    );
    const window = parseReplayWindow('2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z');
    expect(selectReplayEvents(events, window).map((e) => e.time)).toEqual([
      '2026-11-20T10:00:00Z',
      '2026-11-20T10:30:00Z',
    ]);
    expect(selectReplayEvents(events, {}).length).toBe(4);
    // A bare date is midnight UTC; an offset is honoured (11:00+01:00 is 10:00Z).
    expect(parseReplayWindow('2026-11-20', '2026-11-20T11:00:00+01:00')).toEqual({
      since: new Date('2026-11-20T00:00:00Z'),
      until: new Date('2026-11-20T10:00:00Z'),
    });
  });

  it('refuses times that are not ISO 8601 with a zone, and windows that end before they start', () => {
    for (const bad of ['yesterday', '2026-11-20T10:00:00', '2026-13-01', '20/11/2026']) {
      expect(() => parseReplayWindow(bad, undefined)).toThrow(InvalidInputError);
    }
    expect(() => parseReplayWindow(undefined, 'soon')).toThrow(
      /--until: must be an ISO 8601 date or date-time with a zone.*got "soon"/,
    );
    expect(() => parseReplayWindow('2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z')).toThrow(
      /--since .* must be before --until/,
    );
    expect(() => parseServiceName('billing')).toThrow(
      /--service: unknown service "billing"; services are planner, tagger, reporter, charter, retirement, aggregator/,
    );
  });

  it('maps a service to the rules feeding the queues it consumes: the planner gets the jobs rule too', () => {
    expect(serviceRules('planner').map((r) => r.name)).toEqual([
      'alex-analysis-requested',
      'alex-planner-instruments-classified',
    ]);
    expect(serviceRules('charter').map((r) => r.name)).toEqual(['alex-charter-analysis-planned']);
    expect(serviceRules('aggregator').map((r) => r.name)).toEqual(['alex-aggregator-progress']);
    expect(defaultReplayName(new Date('2026-11-21T09:30:05.123Z'))).toBe('alex-replay-20261121T093005Z');
  });

  it('leaves every shipped rule accepting replays, and guards an opting-out rule with replay-name', () => {
    for (const rule of allRules()) expect(effectivePattern(rule)).toBe(rule.pattern);
    expect(effectivePattern(NOTIFIER)).toEqual({
      'detail-type': ['AnalysisCompleted'],
      'replay-name': [{ exists: false }],
    });
    expect(NOTIFIER.pattern).toEqual({ 'detail-type': ['AnalysisCompleted'] });
  });
});

describe('replayArchive', () => {
  it('re-publishes the window with replay-name to every rule, except the one that opts out, and archives nothing again', () => {
    const { bus, archive, rules, received } = recordingBus();
    bus.put([
      {
        detailType: 'AnalysisPlanned',
        source: 'alex.planner',
        detail: JSON.stringify(PLANNED),
        resources: [],
        time: new Date('2026-11-20T10:00:00Z'),
      },
      {
        detailType: 'AnalysisCompleted',
        source: 'alex.aggregator',
        detail: JSON.stringify({ jobId: 'a1' }),
        resources: [],
        time: new Date('2026-11-20T10:00:01Z'),
      },
    ]);
    expect(received.get(NOTIFIER.name)).toHaveLength(1);
    const originals = archive.read();

    const report = replayArchive(
      { bus, archive },
      { rules, replayName: 'r-1', now: () => new Date('2026-11-21T00:00:00Z') },
    );

    expect(report).toEqual({
      replayName: 'r-1',
      window: { since: null, until: '2026-11-21T00:00:00.000Z' },
      rules: null,
      replayed: 2,
      byDetailType: { AnalysisPlanned: 1, AnalysisCompleted: 1 },
      deliveries: {
        'alex-analysis-requested': 0,
        'alex-planner-instruments-classified': 0,
        'alex-tagger-classification-requested': 0,
        'alex-reporter-analysis-planned': 1,
        'alex-charter-analysis-planned': 1,
        'alex-retirement-analysis-planned': 1,
        'alex-aggregator-progress': 1,
        // No DocumentSubmitted in the window.
        'alex-researcher-document-submitted': 0,
        [NOTIFIER.name]: 0,
      },
    });
    // The notifier saw the live event once and not the replay; the others got a marked copy.
    expect(received.get(NOTIFIER.name)).toHaveLength(1);
    const replayedToCharter = received.get('alex-charter-analysis-planned')!.at(-1)!;
    expect(replayedToCharter).toEqual({ ...originals[0], 'replay-name': 'r-1' });
    expect(received.get('alex-aggregator-progress')!.map((e) => e['replay-name'])).toEqual([undefined, 'r-1']);
    expect(archive.read()).toEqual(originals);
  });

  it("aims at one service's rules only, and replays only the window", () => {
    const { bus, archive, rules, received } = recordingBus();
    bus.put([
      {
        detailType: 'AnalysisPlanned',
        source: 'alex.planner',
        detail: JSON.stringify({ ...PLANNED, jobId: 'old' }),
        resources: [],
        time: new Date('2026-11-19T10:00:00Z'),
      },
      {
        detailType: 'AnalysisPlanned',
        source: 'alex.planner',
        detail: JSON.stringify(PLANNED),
        resources: [],
        time: new Date('2026-11-20T10:00:00Z'),
      },
    ]);
    const before = new Map([...received].map(([name, list]) => [name, list.length]));

    const report = replayArchive(
      { bus, archive },
      { rules, service: 'charter', since: new Date('2026-11-20T00:00:00Z'), replayName: 'r-2' },
    );

    expect(report.rules).toEqual(['alex-charter-analysis-planned']);
    expect(report.replayed).toBe(1);
    expect(report.deliveries).toEqual({ 'alex-charter-analysis-planned': 1 });
    for (const [name, list] of received)
      expect(list.length - before.get(name)!).toBe(name === 'alex-charter-analysis-planned' ? 1 : 0);
    expect(received.get('alex-charter-analysis-planned')!.at(-1)).toMatchObject({
      'replay-name': 'r-2',
      detail: { jobId: 'a1' },
    });
  });
});

describe('dead letters', () => {
  function queues() {
    const map = new Map<QueueKey, QueuePair>();
    for (const key of queueKeysOf()) {
      const name = queueSettings(key).name;
      const dlq = new LocalQueue(`${name}-dlq`, {
        visibilityTimeoutMs: 1000,
        maxReceiveCount: Number.POSITIVE_INFINITY,
      });
      map.set(key, {
        queue: new LocalQueue(name, { visibilityTimeoutMs: 1000, maxReceiveCount: 3, deadLetterQueue: dlq }),
        dlq,
      });
    }
    return map;
  }

  it('summarises envelopes, bare job messages and unreadable bodies in one line', () => {
    expect(
      summarizeBody(
        JSON.stringify(
          envelope('SpecialistFailed', '2026-11-20T10:00:00Z', { jobId: 'j-1', task: 'charts' }, 'alex.charter'),
        ),
      ),
    ).toEqual({
      summary: 'SpecialistFailed from alex.charter, job j-1, task charts',
      detailType: 'SpecialistFailed',
      jobId: 'j-1',
      task: 'charts',
    });
    expect(summarizeBody('{"version":1,"jobId":"j-2"}')).toEqual({ summary: 'job message, job j-2', jobId: 'j-2' });
    expect(summarizeBody('{"version":1}').summary).toBe('job message, no jobId');
    expect(summarizeBody('this is not json').summary).toBe('not JSON: "this is not json"');
    expect(summarizeBody('x'.repeat(100)).summary).toBe(`not JSON: "${'x'.repeat(60)}…"`);
    expect(summarizeBody('[1,2]').summary).toBe('JSON array: "[1,2]"');
  });

  it("lists a service's dead letters, and redrive resets the receive count and drops the old reason", () => {
    const runtime = { queues: queues() };
    const jobs = runtime.queues.get('jobs')!;
    // As the jobs queue's redrive policy leaves a message that failed all 3 receives.
    jobs.dlq.enqueue({
      messageId: 'm-j',
      body: '{"version":1,"jobId":"j-3"}',
      sentAt: Date.parse('2026-11-20T09:00:00Z'),
      receiveCount: 3,
      firstReceivedAt: Date.parse('2026-11-20T09:00:01Z'),
      lastError: 'database unavailable',
      attributes: { sourceQueue: 'alex-jobs', reason: 'received 3 times without success: database unavailable' },
    });
    runtime.queues.get('charter')!.dlq.enqueue({
      messageId: 'm-c',
      body: 'not json',
      sentAt: Date.parse('2026-11-20T10:00:00Z'),
      receiveCount: 1,
      attributes: { reason: 'body is not valid JSON', sourceQueue: 'alex-charter' },
    });

    const planner = listDeadLetters(runtime, 'planner');
    expect(planner).toEqual([
      expect.objectContaining({
        queue: 'alex-jobs-dlq',
        sourceQueue: 'alex-jobs',
        receiveCount: 3,
        summary: 'job message, job j-3',
        jobId: 'j-3',
        reason: 'received 3 times without success: database unavailable',
      }),
    ]);
    expect(listDeadLetters(runtime).map((l) => l.queue)).toEqual(['alex-jobs-dlq', 'alex-charter-dlq']);
    expect(listDeadLetters(runtime, 'charter')[0]).toMatchObject({
      reason: 'body is not valid JSON',
      sentAt: '2026-11-20T10:00:00.000Z',
    });

    const moved = redriveDeadLetters(runtime, 'planner');
    expect(moved.map((l) => l.jobId)).toEqual(['j-3']);
    expect(jobs.dlq.peekAll()).toEqual([]);
    const [again] = jobs.queue.receive(1);
    expect(again!.message).toMatchObject({
      messageId: 'm-j',
      body: '{"version":1,"jobId":"j-3"}',
      receiveCount: 1,
      attributes: {},
    });
    expect(again!.message.lastError).toBeUndefined();
    // The charter's letter was not part of the planner's redrive.
    expect(runtime.queues.get('charter')!.dlq.peekAll()).toHaveLength(1);
  });
});
