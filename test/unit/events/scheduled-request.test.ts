/**
 * Scheduled job messages: the jobId is a UUID v5 of the schedule and the slot, the same for
 * every sender and retry, and the planner's own parser accepts the message. Expected UUIDs come
 * from Python's uuid module (uuid.uuid5), an independent implementation; the first is the
 * example in Python's documentation.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { uuidV5 } from '#events/event-id.ts';
import { SCHEDULE_NAMESPACE, scheduledJobId } from '#events/scheduled-request.ts';
import { parsePlannerMessage } from '#services/planner/domain.ts';

const SCHEDULE = '0f8fad5b-d9cb-469f-a165-70867728950e';
// python3 -c "import uuid; print(uuid.uuid5(uuid.UUID('7b0f6c8e-…'), '0f8fad5b-…/2027-03-29T00:30:00Z'))"
const SLOT_JOB = '3469715e-8426-5eb7-9dfd-21120b46c943';

describe('scheduled jobs', () => {
  it('derives UUID v5 as RFC 9562 does', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(SCHEDULE_NAMESPACE).toBe('7b0f6c8e-3c55-4f0a-9d0e-5a1e2c4b9f10');
  });

  it('names one job per schedule and slot, however the slot time is written', () => {
    expect(scheduledJobId(SCHEDULE, '2027-03-29T00:30:00Z')).toBe(SLOT_JOB);
    expect(scheduledJobId(SCHEDULE, '2027-03-29T00:30:00.000Z')).toBe(SLOT_JOB);
    expect(scheduledJobId(SCHEDULE, new Date('2027-03-29T01:30:00+01:00'))).toBe(SLOT_JOB);
    expect(scheduledJobId(SCHEDULE, '2027-03-29T00:31:00Z')).not.toBe(SLOT_JOB);
    expect(scheduledJobId('9b2e1c1e-4a7e-4f4e-8a53-2f0f7b1d2c3a', '2027-03-29T00:30:00Z')).not.toBe(SLOT_JOB);
  });

  it("is accepted by the planner's parser, which derives the jobId from the schedule and slot", () => {
    const message = parsePlannerMessage(
      JSON.stringify({
        version: 1,
        scheduleId: SCHEDULE,
        userId: 'household-42',
        scheduledTime: '2027-03-29T00:30:00Z',
        executionId: 'd32c5kddcf5bb8c3',
        tasks: ['report'],
      }),
    );
    expect(message).toEqual({
      kind: 'request',
      replayName: null,
      request: {
        version: 1,
        jobId: SLOT_JOB,
        userId: 'household-42',
        requestedAt: '2027-03-29T00:30:00Z',
        tasks: ['report'],
      },
    });
  });

  it("refuses Scheduler's execution id as a jobId: it is no UUID", () => {
    const body = { version: 1, jobId: 'd32c5kddcf5bb8c3', userId: 'u', requestedAt: '2027-03-29T00:30:00Z' };
    expect(() => parsePlannerMessage(JSON.stringify(body))).toThrow(/jobId: must be a UUID/);
  });

  it('names the missing or wrong field of a scheduled message', () => {
    const body = { version: 1, scheduleId: SCHEDULE, userId: 'u', scheduledTime: 'yesterday' };
    expect(() => parsePlannerMessage(JSON.stringify(body))).toThrow(InvalidInputError);
    expect(() => parsePlannerMessage(JSON.stringify(body))).toThrow(/scheduled job message\.scheduledTime/);
  });
});
