/**
 * The transactional outbox: an event that must leave exactly when a write commits is stored in
 * the `outbox` table inside that write's transaction (`storeInOutbox`), and a relay publishes
 * stored rows and marks them sent. Order per row: publish, then mark sent. A crash before the
 * publish leaves the row unsent for the next relay; a crash after it sends the row again, with
 * the same deterministic id (events/event-id.ts), so consumers recognise the second delivery.
 * Who relays: the writer right after its commit, the local runtime on start, and on AWS a
 * scheduled sweep of rows older than a few minutes (so it does not race a writer still relaying).
 */
import type { DetailType } from '#events/catalog.ts';
import { type EventPublisher, type OutgoingEvent, toBusEntry } from '#events/publisher.ts';
import { countOutcome } from './metrics.ts';
import { json, type SqlDatabase, type SqlExecutor, timestamp } from './sql-database.ts';

/** An event bound for the outbox: its deterministic id is required. */
export type OutboxEvent = OutgoingEvent & { id: string };

/**
 * Stores the event in the caller's transaction; a second store of the same id changes nothing.
 * The detail is checked against the catalog first, so a producer's bug fails the transaction.
 */
export async function storeInOutbox(tx: SqlExecutor, event: OutboxEvent): Promise<void> {
  const entry = toBusEntry(event);
  await tx.query(
    `INSERT INTO outbox (id, detail_type, source, detail, time)
     VALUES (:id::uuid, :detailType, :source, :detail, :time)
     ON CONFLICT (id) DO NOTHING`,
    {
      id: event.id,
      detailType: entry.detailType,
      source: entry.source,
      detail: json(JSON.parse(entry.detail)),
      time: timestamp(entry.time),
    },
  );
}

/**
 * The scheduled sweep's message (AWS: an EventBridge schedule puts it on the relaying service's
 * queue; see `needs.outboxSweep`). A forged one is harmless: a sweep only sends committed rows.
 */
export const OUTBOX_SWEEP_MESSAGE = { alexOutboxSweep: 1 } as const;

/** A sweep takes rows at least this old, so it does not race a writer still relaying its own. */
export const SWEEP_OLDER_THAN_MS = 2 * 60_000;

export function isOutboxSweep(message: unknown): boolean {
  return typeof message === 'object' && message !== null && 'alexOutboxSweep' in message;
}

type OutboxRow = { id: string; detail_type: string; source: string; detail: object; time: string };

/** Where a relay is in sending one row; the process tier kills the process at each. */
export type RelayStage = 'committed' | 'published';

export interface RelayOptions {
  /** Told each stage of each row (ids); the local runtime's fault injection kills the process here. */
  onStage?: (stage: RelayStage, id: string) => void;
}

export class OutboxRelay {
  /** Rows this relay is sending now: one process never sends a row twice at once. */
  private readonly sending = new Map<string, Promise<boolean>>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly publisher: EventPublisher,
    private readonly options: RelayOptions = {},
  ) {}

  /** Sends the row with this id if it is still unsent; returns whether this call sent it. */
  relay(id: string): Promise<boolean> {
    const running = this.sending.get(id);
    if (running) return running.then(() => false);
    const send = this.send(id).finally(() => this.sending.delete(id));
    this.sending.set(id, send);
    return send;
  }

  /**
   * Sends every unsent row stored at least `olderThanMs` ago, oldest first, `pageSize` at a time
   * until none is left; returns how many it sent.
   */
  async sweep(options: { olderThanMs?: number; pageSize?: number } = {}): Promise<number> {
    const pageSize = options.pageSize ?? 100;
    let sent = 0;
    const tried = new Set<string>();
    for (;;) {
      const before = new Date(Date.now() - (options.olderThanMs ?? 0));
      const rows = await this.db.query<{ id: string }>(
        `SELECT id::text AS id FROM outbox WHERE sent_at IS NULL AND created_at <= :before
         ORDER BY created_at, id LIMIT :limit`,
        { before: timestamp(before), limit: pageSize },
      );
      const fresh = rows.filter((row) => !tried.has(row.id));
      // A row another relay marks sent between our read and our send is skipped, not looped on.
      if (fresh.length === 0) return sent;
      for (const { id } of fresh) {
        tried.add(id);
        if (await this.relay(id)) sent += 1;
      }
    }
  }

  private async send(id: string): Promise<boolean> {
    const [row] = await this.db.query<OutboxRow>(
      `SELECT id::text AS id, detail_type, source, detail, time FROM outbox
       WHERE id = :id::uuid AND sent_at IS NULL`,
      { id },
    );
    if (!row) return false;
    this.options.onStage?.('committed', id);
    await this.publisher.publish([
      {
        id: row.id,
        detailType: row.detail_type as DetailType,
        source: row.source,
        detail: row.detail as OutgoingEvent['detail'],
        time: new Date(row.time),
      },
    ]);
    this.options.onStage?.('published', id);
    countOutcome(row.source, row.detail_type, row.detail);
    await this.db.query('UPDATE outbox SET sent_at = now() WHERE id = :id::uuid AND sent_at IS NULL', { id });
    return true;
  }
}

/** Unsent rows, for `alex doctor` and the tests. */
export async function unsentCount(db: SqlExecutor): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL');
  return row?.n ?? 0;
}
