/**
 * The transactional outbox against PGlite and the local bus: a stored row leaves once its
 * transaction commits and never when it rolls back; a relay that fails to publish leaves the
 * row for the next one; a row published but not marked sent goes again under the same id; a
 * sweep sends the leftovers oldest first and skips rows younger than asked.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import type { EventEnvelope } from '#events/envelope.ts';
import { EVENT_ID_NAMESPACE, eventIdOf, uuidV5 } from '#events/event-id.ts';
import type { EventPublisher, OutgoingEvent } from '#events/publisher.ts';
import { EventArchive } from '#infra/local/archive.ts';
import { LocalBus, LocalBusPublisher } from '#infra/local/bus.ts';
import { migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import { type OutboxEvent, OutboxRelay, storeInOutbox, unsentCount } from '#services/common/outbox.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';

let db: SqlDatabase;
beforeAll(async () => {
  db = await openPglite(undefined, await migratedTemplate());
  await migrate(db);
}, 60_000);
afterAll(() => db.close());

let archive: EventArchive;
let bus: LocalBus;
let delivered: EventEnvelope[];
beforeEach(async () => {
  await db.query('DELETE FROM outbox');
  archive = new EventArchive(undefined);
  bus = new LocalBus({ name: 'alex-bus', account: '000000000000', region: 'us-east-1', archive });
  delivered = [];
  bus.subscribe((envelope) => delivered.push(envelope));
});

function completed(jobId = randomUUID()): OutboxEvent {
  return {
    id: eventIdOf('AnalysisCompleted', jobId),
    detailType: 'AnalysisCompleted',
    source: 'alex.aggregator',
    detail: { ...catalog.AnalysisCompleted.example, jobId },
    time: new Date('2026-11-21T09:30:03.000Z'),
  };
}

/** A publisher whose first `failures` publishes throw, as EventBridge being unreachable would. */
class FlakyPublisher implements EventPublisher {
  calls = 0;
  constructor(
    private readonly inner: EventPublisher,
    private failures: number,
  ) {}
  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('connect ECONNREFUSED');
    }
    await this.inner.publish(events);
  }
}

describe('event ids', () => {
  it('are RFC 9562 version-5 UUIDs: the published example, and ours worked out with Python', () => {
    // RFC 9562 / Python's uuid docs: uuid5(NAMESPACE_DNS, 'python.org').
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    // python3 -c "import uuid; print(uuid.uuid5(uuid.UUID(NS), 'AnalysisCompleted/3f0c…6a10'))"
    expect(EVENT_ID_NAMESPACE).toBe('bdb9d09b-5cf9-4f02-869e-3ed0d465fa54');
    expect(eventIdOf('AnalysisCompleted', '3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10')).toBe(
      '0628c6b2-99ae-577f-b488-7ae97286dbe1',
    );
    expect(eventIdOf('AnalysisFailed', '3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10')).toBe(
      'bd1d4d12-dd44-5e3f-8ebd-f1664e150d58',
    );
  });
});

describe('the outbox relay', () => {
  it('publishes a committed row once, under its id and stored time, and marks it sent', async () => {
    const event = completed();
    await db.transaction((tx) => storeInOutbox(tx, event));
    const relay = new OutboxRelay(db, new LocalBusPublisher(bus));
    expect(await relay.relay(event.id)).toBe(true);
    expect(await relay.relay(event.id)).toBe(false);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      id: event.id,
      'detail-type': 'AnalysisCompleted',
      source: 'alex.aggregator',
      time: '2026-11-21T09:30:03Z',
      detail: event.detail,
    });
    expect(await unsentCount(db)).toBe(0);
  });

  it('never publishes a row whose transaction rolled back', async () => {
    const event = completed();
    await expect(
      db.transaction(async (tx) => {
        await storeInOutbox(tx, event);
        throw new Error('the analysis insert failed');
      }),
    ).rejects.toThrow('the analysis insert failed');
    const relay = new OutboxRelay(db, new LocalBusPublisher(bus));
    expect(await relay.relay(event.id)).toBe(false);
    expect(await relay.sweep()).toBe(0);
    expect(delivered).toEqual([]);
  });

  it('keeps the first row when the same event is stored again, whatever the second one says', async () => {
    const event = completed();
    await db.transaction((tx) => storeInOutbox(tx, event));
    const later = { ...event, detail: { ...event.detail, completedAt: '2026-11-21T10:00:00.000Z' } };
    await db.transaction((tx) => storeInOutbox(tx, later));
    await new OutboxRelay(db, new LocalBusPublisher(bus)).sweep();
    expect(delivered.map((e) => (e.detail as { completedAt: string }).completedAt)).toEqual([
      '2026-11-21T09:30:03.000Z',
    ]);
  });

  it('refuses a detail the catalog refuses, so the transaction fails instead of storing it', async () => {
    const event = completed();
    const bad = { ...event, detail: { ...event.detail, totalValue: 'a lot' } } as unknown as OutboxEvent;
    await expect(db.transaction((tx) => storeInOutbox(tx, bad))).rejects.toThrow(/totalValue/);
    expect(await unsentCount(db)).toBe(0);
  });

  it('leaves a row it could not publish unsent, and the next relay sends it', async () => {
    const event = completed();
    await db.transaction((tx) => storeInOutbox(tx, event));
    const flaky = new FlakyPublisher(new LocalBusPublisher(bus), 1);
    await expect(new OutboxRelay(db, flaky).relay(event.id)).rejects.toThrow('ECONNREFUSED');
    expect(await unsentCount(db)).toBe(1);
    expect(await new OutboxRelay(db, flaky).sweep()).toBe(1);
    expect(delivered.map((e) => e.id)).toEqual([event.id]);
  });

  it('sends a row again under the same id when the sender died between publishing and marking it', async () => {
    const event = completed();
    await db.transaction((tx) => storeInOutbox(tx, event));
    const died = new OutboxRelay(db, new LocalBusPublisher(bus), {
      onStage: (stage) => {
        if (stage === 'published') throw new Error('killed');
      },
    });
    await expect(died.relay(event.id)).rejects.toThrow('killed');
    expect(await new OutboxRelay(db, new LocalBusPublisher(bus)).sweep()).toBe(1);
    // Delivered twice, as EventBridge may too: one id, one detail, so consumers see one event.
    expect(delivered.map((e) => e.id)).toEqual([event.id, event.id]);
    expect(delivered[0]).toEqual(delivered[1]);
    expect(archive.read().map((e) => e.id)).toEqual([event.id, event.id]);
  });

  it('sends each row once when a sweep and a relay of the same row run at once in one process', async () => {
    const event = completed();
    await db.transaction((tx) => storeInOutbox(tx, event));
    const relay = new OutboxRelay(db, new LocalBusPublisher(bus));
    const results = await Promise.all([relay.relay(event.id), relay.sweep(), relay.relay(event.id)]);
    expect(results).toEqual([true, 0, false]);
    expect(delivered).toHaveLength(1);
  });

  it('sweeps the unsent rows oldest first, in pages, skipping the ones younger than asked', async () => {
    const events = Array.from({ length: 5 }, () => completed());
    for (const [index, event] of events.entries()) {
      await db.transaction((tx) => storeInOutbox(tx, event));
      // Stored 10, 9, … 6 minutes ago: the first is the oldest.
      await db.query(
        `UPDATE outbox SET created_at = now() - make_interval(mins => :minutes::int) WHERE id = :id::uuid`,
        {
          id: event.id,
          minutes: 10 - index,
        },
      );
    }
    const young = completed();
    await db.transaction((tx) => storeInOutbox(tx, young));
    const relay = new OutboxRelay(db, new LocalBusPublisher(bus));
    expect(await relay.sweep({ olderThanMs: 5 * 60_000, pageSize: 2 })).toBe(5);
    expect(delivered.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await unsentCount(db)).toBe(1);
    expect(await relay.sweep()).toBe(1);
    expect(delivered.at(-1)!.id).toBe(young.id);
  });
});
