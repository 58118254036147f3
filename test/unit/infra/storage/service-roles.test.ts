/**
 * The services' group roles on PGlite (full PostgreSQL, roles included), as `migrate` leaves them
 * with the grants each folder declares: each service's own statements succeed under its group
 * role, and only the aggregator can write the consolidated analysis (GitHub issue 4). Also the
 * migrator's login sync (service-logins.ts).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import type { Classification } from '#events/values.ts';
import { scramSha256Verifier, sqlStringLiteral, syncServiceLogin } from '#infra/cdk/handlers/service-logins.ts';
import { databaseLogin } from '#infra/cdk/names.ts';
import { migrate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import { DATABASE_ROLES } from '#infra/topology.ts';
import { countAnalyses, getAnalysis, storeAnalysis } from '#services/aggregator/analysis-store.ts';
import { consolidate } from '#services/aggregator/consolidate.ts';
import { advanceJob, createJob, getJob, reopenJob } from '#services/common/job-store.ts';
import { insertModelCalls } from '#services/common/model/audit-store.ts';
import type { ModelCallRecord } from '#services/common/model/port.ts';
import { parsePortfolioFile } from '#services/common/portfolio-file.ts';
import {
  loadClassifications,
  loadPortfolio,
  savePortfolio,
  upsertClassification,
} from '#services/common/portfolio-store.ts';
import type { Row, SqlDatabase, SqlExecutor, SqlParams } from '#services/common/sql-database.ts';

const PORTFOLIO = parsePortfolioFile(
  readFileSync(new URL('../../../../examples/portfolio.json', import.meta.url), 'utf8'),
);
const USER = PORTFOLIO.user.id;
const DENIED = (table: string) => new RegExp(`permission denied for table ${table}`);

let db: SqlDatabase;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db, undefined, DATABASE_ROLES);
  await savePortfolio(db, PORTFOLIO); // as the superuser, like `alex analyze` with the master credentials
}, 30_000);
afterAll(() => db.close());

/** The same database, every statement run as `role` (SET LOCAL ROLE ends with its transaction). */
function asRole(role: string): SqlDatabase {
  const transaction = <T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
    db.transaction(async (tx) => {
      await tx.query(`SET LOCAL ROLE ${role}`);
      return work(tx);
    });
  return {
    query: <T extends Row = Row>(sql: string, params?: SqlParams) => transaction((tx) => tx.query<T>(sql, params)),
    transaction,
    close: async () => {},
  };
}

function newJob(id = randomUUID()) {
  return {
    id,
    userId: USER,
    tasks: ['report' as const],
    requestedAt: '2026-11-21T09:30:00.000Z',
    deadline: '2026-11-21T09:35:00.000Z',
  };
}

const MODEL_CALL: ModelCallRecord = {
  service: 'alex-tagger',
  model: 'offline',
  purpose: 'classify',
  attempt: 1,
  promptSha256: 'a'.repeat(64),
  responseSha256: null,
  inputTokens: null,
  outputTokens: null,
  latencyMs: 0,
  at: '2026-11-21T09:31:00.000Z',
  verdicts: { outcome: 'offline', injection: [], cut: [] },
};

const MODEL_CLASSIFICATION: Classification = {
  symbol: 'ZZNEW',
  name: 'A fund nobody classified yet',
  instrumentType: 'etf',
  assetClass: { equity: 100 },
  regions: { north_america: 100 },
  sectors: { information_technology: 100 },
  source: 'model',
  rationale: 'test',
  sources: [],
};

const INSERT_ANALYSIS = `INSERT INTO analyses (job_id, user_id, status, result) VALUES (:jobId::uuid, :userId, 'failed', '{}'::jsonb)`;

describe('alex_planner_role', () => {
  const planner = asRole('alex_planner_role');

  it('runs the planner: create a job, read the portfolio and classifications, advance, fail and reopen it', async () => {
    const job = newJob();
    expect((await createJob(planner, job)).created).toBe(true);
    const portfolio = await loadPortfolio(planner, USER);
    expect(portfolio?.positions.length).toBe(PORTFOLIO.positions.length);
    await loadClassifications(
      planner,
      portfolio!.positions.map((p) => p.symbol),
    );
    expect(await advanceJob(planner, job.id, 'classifying')).toBe(true);
    expect(
      await advanceJob(planner, job.id, 'failed', { error: 'no portfolio', finishedAt: '2026-11-21T09:31:00.000Z' }),
    ).toBe(true);
    // reopenJob looks for an analysis of the job: the column grant on analyses.job_id is enough.
    expect((await reopenJob(planner, job.id, '2026-11-21T10:00:00.000Z'))?.status).toBe('planning');
    expect((await getJob(planner, job.id))?.status).toBe('planning');
  });

  it('cannot write the consolidated analysis, read its content, classify instruments or change portfolios', async () => {
    const job = newJob();
    await createJob(planner, job);
    await expect(planner.query(INSERT_ANALYSIS, { jobId: job.id, userId: USER })).rejects.toThrow(DENIED('analyses'));
    await expect(getAnalysis(planner, job.id)).rejects.toThrow(DENIED('analyses'));
    await expect(upsertClassification(planner, MODEL_CLASSIFICATION)).rejects.toThrow(DENIED('instruments'));
    await expect(savePortfolio(planner, PORTFOLIO)).rejects.toThrow(DENIED('users'));
    expect(await countAnalyses(db, job.id)).toBe(0);
  });
});

describe('alex_tagger_role', () => {
  const tagger = asRole('alex_tagger_role');

  it('runs the tagger: read the job, read and upsert classifications with their model calls', async () => {
    const job = newJob();
    await createJob(db, job);
    expect((await getJob(tagger, job.id))?.status).toBe('planning');
    expect(await loadClassifications(tagger, ['ZZNEW'])).toEqual([]);
    await tagger.transaction(async (tx) => {
      await upsertClassification(tx, { ...MODEL_CLASSIFICATION, source: 'unclassified' }, { overwrite: 'weaker' });
      // the conflict path: ON CONFLICT DO UPDATE ... WHERE reads and updates the stored row
      await upsertClassification(tx, MODEL_CLASSIFICATION, { overwrite: 'weaker' });
      await insertModelCalls(tx, [{ ...MODEL_CALL, jobId: job.id }]);
    });
    expect((await loadClassifications(db, ['ZZNEW']))[0]?.source).toBe('model');
    expect(await db.query('SELECT service FROM model_calls WHERE job_id = :jobId::uuid', { jobId: job.id })).toEqual([
      { service: 'alex-tagger' },
    ]);
  });

  it('cannot write the consolidated analysis, move a job or read portfolios', async () => {
    const job = newJob();
    await createJob(db, job);
    await expect(tagger.query(INSERT_ANALYSIS, { jobId: job.id, userId: USER })).rejects.toThrow(DENIED('analyses'));
    await expect(advanceJob(tagger, job.id, 'failed')).rejects.toThrow(DENIED('jobs'));
    await expect(loadPortfolio(tagger, USER)).rejects.toThrow(DENIED('users'));
    expect(await countAnalyses(db, job.id)).toBe(0);
  });
});

describe('alex_aggregator_role', () => {
  const aggregator = asRole('alex_aggregator_role');

  function analysisOf(jobId: string) {
    const planned = catalog.AnalysisPlanned.detail.parse({ ...catalog.AnalysisPlanned.example, jobId, userId: USER });
    return consolidate(planned, new Map(), new Date('2026-11-21T09:35:00.000Z'));
  }

  it('stores the consolidated analysis once, with the job row and the model calls, and reads it back', async () => {
    // A job another system planned: storeAnalysis inserts the job row itself.
    const jobId = randomUUID();
    expect(
      await storeAnalysis(aggregator, analysisOf(jobId), [{ ...MODEL_CALL, service: 'alex-reporter', jobId }]),
    ).toBe(true);
    expect(
      await storeAnalysis(aggregator, analysisOf(jobId), [{ ...MODEL_CALL, service: 'alex-reporter', jobId }]),
    ).toBe(false);
    expect((await getAnalysis(aggregator, jobId))?.status).toBe('failed');
    expect((await getJob(aggregator, jobId))?.status).toBe('failed');
    expect(await countAnalyses(db, jobId)).toBe(1);
    expect(await db.query('SELECT count(*)::int AS n FROM model_calls WHERE job_id = :jobId::uuid', { jobId })).toEqual(
      [{ n: 1 }],
    );
  });

  it('fails a job never planned by its deadline', async () => {
    const job = newJob();
    await createJob(db, job);
    expect(
      await advanceJob(aggregator, job.id, 'failed', { error: 'deadline', finishedAt: '2026-11-21T09:35:00.000Z' }),
    ).toBe(true);
  });

  it('cannot read portfolios or write classifications', async () => {
    await expect(loadPortfolio(aggregator, USER)).rejects.toThrow(DENIED('users'));
    await expect(upsertClassification(aggregator, MODEL_CLASSIFICATION)).rejects.toThrow(DENIED('instruments'));
  });
});

describe('service logins (the migrator)', () => {
  it('creates the login as a member of its group role, then updates it when run again', async () => {
    const login = databaseLogin('planner');
    expect(login).toEqual({ service: 'planner', user: 'alex_planner', groupRole: 'alex_planner_role' });
    expect(await syncServiceLogin(db, login, 'first-password')).toBe('created');
    const [first] = await db.query<{ rolpassword: string }>(
      `SELECT rolpassword FROM pg_authid WHERE rolname = 'alex_planner'`,
    );
    expect(await syncServiceLogin(db, login, 'second-password')).toBe('updated');
    const [role] = await db.query<{ rolcanlogin: boolean; rolpassword: string; member: boolean }>(
      `SELECT rolcanlogin, rolpassword, pg_has_role('alex_planner', 'alex_planner_role', 'MEMBER') AS member
       FROM pg_authid WHERE rolname = 'alex_planner'`,
    );
    expect(role).toMatchObject({
      rolcanlogin: true,
      member: true,
      rolpassword: expect.stringMatching(/^SCRAM-SHA-256\$4096:/),
    });
    expect(role!.rolpassword).not.toBe(first!.rolpassword);
    // The login holds its group role's grants and nothing more.
    const login_ = asRole('alex_planner');
    await expect(login_.query(INSERT_ANALYSIS, { jobId: randomUUID(), userId: USER })).rejects.toThrow(
      DENIED('analyses'),
    );
    expect((await createJob(login_, newJob())).created).toBe(true);
  });

  it('derives the same SCRAM-SHA-256 verifier PostgreSQL stores for a password', async () => {
    await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL password_encryption = 'scram-sha-256'`);
      await tx.query(`CREATE ROLE scram_probe LOGIN PASSWORD 'correct horse battery staple'`);
    });
    const [{ rolpassword }] = (await db.query<{ rolpassword: string }>(
      `SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'`,
    )) as [{ rolpassword: string }];
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(rolpassword)!;
    expect(scramSha256Verifier('correct horse battery staple', Buffer.from(salt!, 'base64'), Number(iterations))).toBe(
      rolpassword,
    );
  });

  it('refuses passwords a verifier cannot be derived from without SASLprep, and odd role names', async () => {
    expect(() => scramSha256Verifier('pässword')).toThrow(/printable ASCII/);
    expect(() => scramSha256Verifier('')).toThrow(/printable ASCII/);
    await expect(
      syncServiceLogin(
        db,
        { service: 'planner', user: 'x"; DROP TABLE analyses; --', groupRole: 'alex_planner_role' },
        'pw',
      ),
    ).rejects.toThrow(/user "x"; DROP TABLE analyses; --" must be a lower-case PostgreSQL role name/);
  });

  it('quotes string literals so PostgreSQL reads back exactly the text, quotes and backslashes included', async () => {
    const text = String.raw`it's a \ back'slash \\'' end`;
    expect(sqlStringLiteral("a'b")).toBe("E'a''b'");
    expect(await db.query(`SELECT ${sqlStringLiteral(text)} AS v`)).toEqual([{ v: text }]);
    expect(() => sqlStringLiteral('a\0b')).toThrow(/NUL/);
  });
});
