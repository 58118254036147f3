/**
 * The bad-input corpus (issue 6): job messages, events from other systems and portfolio files
 * that are wrong in every way the issue names. Each must get a clear error naming the field and
 * land in a DLQ or be refused — at the first receive, not after retries — with nothing
 * half-written, and the runtime must keep going.
 *
 * All queue and bus cases run through one runtime: sent together, settled once, then each DLQ
 * entry is traced back to its case by its body. Portfolio files run through the CLI in-process.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { main } from '#infra/cli/main.ts';
import type { QueueMessage } from '#infra/local/queue.ts';
import type { LocalRuntime } from '#infra/local/runtime.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { isJobEnd, jobRequest, startWithExample } from '../support.ts';
import { eventCases } from './corpus/events.ts';
import { jobMessageCases } from './corpus/job-messages.ts';
import { portfolioCases } from './corpus/portfolios.ts';
import { A_FOLDER, CATEGORIES, type Case, type Category, type EventCase } from './corpus/types.ts';

const TABLES = ['users', 'positions', 'instruments', 'jobs', 'analyses', 'model_calls'] as const;

async function countRows(db: SqlDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = row!.n;
  }
  return counts;
}

/** What a clear reason is not: a stack trace, or a message that only gave up after retries. */
function expectClear(reason: string | undefined, expected: RegExp): void {
  expect(reason).toMatch(expected);
  expect(reason).not.toMatch(/\n\s+at /);
  expect(reason).not.toMatch(/received \d+ times without success/);
}

const countedCases: Array<Case<unknown>> = [...jobMessageCases, ...eventCases, ...portfolioCases].filter(
  (c) => c.expect.kind !== 'ignored',
);

describe('the bad-input corpus', () => {
  it('holds at least 60 cases, covering every category for the kinds of input that have it', () => {
    expect(countedCases.length).toBeGreaterThanOrEqual(60);
    // Job messages carry no symbol, and portfolio files no version; otherwise every kind of
    // input is tried with every category.
    const without = (category: Category) => CATEGORIES.filter((c) => c !== category);
    const wanted: Array<[Array<Case<unknown>>, readonly Category[]]> = [
      [jobMessageCases, without('invalid-symbol')],
      [eventCases, CATEGORIES],
      [portfolioCases, without('unknown-version')],
    ];
    for (const [cases, categories] of wanted) {
      expect([...new Set(cases.map((c) => c.category).filter(Boolean))].sort()).toEqual([...categories].sort());
    }
    for (const [cases] of wanted) expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(new Set(jobMessageCases.map((c) => c.input)).size).toBe(jobMessageCases.length);
  });
});

describe('job messages and events from other systems, on one local runtime', () => {
  let runtime: LocalRuntime;
  let userId: string;
  let rowsBefore: Record<string, number>;
  let rowsAfter: Record<string, number>;
  const letters = new Map<Case<unknown>, Array<{ queue: string; message: QueueMessage }>>();
  const refusals = new Map<EventCase, { error: unknown; archived: number }>();
  const unmatched: Array<{ queue: string; message: QueueMessage }> = [];

  beforeAll(async () => {
    const started = await startWithExample();
    runtime = started.runtime;
    userId = started.portfolio.user.id;
    rowsBefore = await countRows(runtime.db);

    const byBody = new Map<string, Case<unknown>>();
    for (const c of jobMessageCases) {
      runtime.sendJob(c.input);
      byBody.set(c.input, c);
    }
    const byEventId = new Map<string, Case<unknown>>();
    for (const c of eventCases) {
      const archivedBefore = runtime.archive.read().length;
      try {
        byEventId.set(runtime.putRaw(c.input).id, c);
      } catch (error) {
        refusals.set(c, { error, archived: runtime.archive.read().length - archivedBefore });
      }
    }
    await runtime.idle(30_000);
    rowsAfter = await countRows(runtime.db);

    for (const letter of runtime.deadLetters()) {
      const c = byBody.get(letter.message.body) ?? byEventId.get(eventIdOf(letter.message.body));
      if (!c) unmatched.push(letter);
      else letters.set(c, [...(letters.get(c) ?? []), letter]);
    }
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
  });

  describe('job messages sent to the jobs queue', () => {
    for (const c of jobMessageCases) {
      it(`${c.name}: ${c.expect.kind} with a clear reason`, () => {
        const landed = letters.get(c) ?? [];
        expect(landed.map((l) => l.queue).sort()).toEqual([...(c.expect.queues ?? [])].sort());
        for (const { message } of landed) {
          expectClear(message.attributes.reason, c.expect.reason!);
          expect(message.receiveCount).toBe(1);
        }
      });
    }
  });

  describe('events put on the bus by other systems', () => {
    for (const c of eventCases) {
      it(`${c.name}: ${c.expect.kind}${c.expect.reason ? ' with a clear reason' : ''}`, () => {
        const landed = letters.get(c) ?? [];
        const refusal = refusals.get(c);
        if (c.expect.kind === 'refused') {
          expect(refusal?.error).toBeInstanceOf(InvalidInputError);
          expectClear((refusal!.error as Error).message, c.expect.reason!);
          // Refused means refused: not archived, so not delivered and never replayed.
          expect(refusal!.archived).toBe(0);
        } else {
          expect(refusal?.error).toBeUndefined();
        }
        expect(landed.map((l) => l.queue).sort()).toEqual([...(c.expect.queues ?? [])].sort());
        for (const { message } of landed) {
          expectClear(message.attributes.reason, c.expect.reason!);
          expect(message.receiveCount).toBe(1);
        }
      });
    }
  });

  it('traces every DLQ entry to a case: nothing else failed', () => {
    expect(unmatched.map((l) => `${l.queue}: ${l.message.attributes.reason}`)).toEqual([]);
  });

  it('half-writes nothing: no user, position, instrument, job, analysis or model call appeared', () => {
    expect(rowsAfter).toEqual(rowsBefore);
    expect(rowsBefore.jobs).toBe(0);
  });

  it('keeps going: after the whole corpus, a valid job still completes', async () => {
    const deadLetters = runtime.deadLetters().length;
    const request = jobRequest(userId);
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 30_000);
    runtime.sendJob(JSON.stringify(request));
    expect((await done)['detail-type']).toBe('AnalysisCompleted');
    await runtime.idle();
    expect(runtime.deadLetters()).toHaveLength(deadLetters);
    expect((await countRows(runtime.db)).analyses).toBe(rowsBefore.analyses! + 1);
  }, 40_000);
});

describe('portfolio files given to alex analyze', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alex-bad-input-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [index, c] of portfolioCases.entries()) {
    it(`${c.name}: refused with exit 2, one clear line, and nothing written`, async () => {
      const cwd = join(dir, `case-${index}`);
      mkdirSync(cwd);
      if (c.input === A_FOLDER) mkdirSync(join(cwd, 'portfolio.json'));
      else writeFileSync(join(cwd, 'portfolio.json'), c.input);
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['analyze', 'portfolio.json', '--out', 'out'], {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        cwd,
        env: {},
      });

      expect(code).toBe(2);
      const message = err.join('\n');
      expectClear(message, c.expect.reason!);
      expect(message.split('\n')).toHaveLength(1);
      expect(out).toEqual([]);
      expect(existsSync(join(cwd, '.alex'))).toBe(false);
      expect(existsSync(join(cwd, 'out'))).toBe(false);
    });
  }
});

function eventIdOf(body: string): string {
  try {
    return (JSON.parse(body) as { id?: string }).id ?? '';
  } catch {
    return '';
  }
}
