import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataApiDatabase, dataApiTimestampToIso, fieldValue, isResuming } from '#infra/storage/data-api.ts';
import { json, timestamp } from '#services/common/sql-database.ts';
import {
  DATABASE,
  type DataApiServer,
  RESOURCE_ARN,
  SECRET_ARN,
  startDataApiServer,
} from '#test/support/data-api-server.ts';
import { describeSqlDatabaseContract } from './sql-database-contract.ts';

// One loopback server (and one PGlite behind it) for the whole file: starting PGlite takes seconds.
let server: DataApiServer;
const serverReady = startDataApiServer().then((started) => (server = started));

function database(retry = { attempts: 3, baseDelayMs: 1 }): DataApiDatabase {
  return new DataApiDatabase({
    client: server.client(),
    resourceArn: RESOURCE_ARN,
    secretArn: SECRET_ARN,
    database: DATABASE,
    retry,
  });
}

afterAll(async () => {
  await (await serverReady).close();
});

describeSqlDatabaseContract('Data API through RDSDataClient', async () => {
  await serverReady;
  return database();
});

describe('DataApiDatabase on the wire', () => {
  let db: DataApiDatabase;
  beforeAll(async () => {
    await serverReady;
    db = database();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('sends typed fields with typeHint JSON and TIMESTAMP, and asks for column metadata', async () => {
    await db.query('SELECT :s AS s, :i AS i, :f AS f, :b AS b, :nothing AS nothing, :j AS j, :t AS t', {
      s: 'text',
      i: 42,
      f: 1.5,
      b: false,
      nothing: null,
      j: json({ equity: 60 }),
      t: timestamp('2026-11-21T09:30:00.123Z'),
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.operation).toBe('Execute');
    expect(request!.body).toMatchObject({
      resourceArn: RESOURCE_ARN,
      secretArn: SECRET_ARN,
      database: DATABASE,
      includeResultMetadata: true,
      sql: 'SELECT :s AS s, :i AS i, :f AS f, :b AS b, :nothing AS nothing, :j AS j, :t AS t',
    });
    expect(request!.body.parameters).toEqual([
      { name: 's', value: { stringValue: 'text' } },
      { name: 'i', value: { longValue: 42 } },
      { name: 'f', value: { doubleValue: 1.5 } },
      { name: 'b', value: { booleanValue: false } },
      { name: 'nothing', value: { isNull: true } },
      { name: 'j', value: { stringValue: '{"equity":60}' }, typeHint: 'JSON' },
      { name: 't', value: { stringValue: '2026-11-21 09:30:00.123' }, typeHint: 'TIMESTAMP' },
    ]);
  });

  it('sends only the parameters the statement uses, once each', async () => {
    await db.query('SELECT :a::int + :a::int AS n', { a: 1, unused: 'x' });
    expect(server.requests[0]!.body.parameters).toEqual([{ name: 'a', value: { longValue: 1 } }]);
  });

  it('runs a transaction as Begin, Execute with its id, Commit', async () => {
    await db.transaction((tx) => tx.query('SELECT 1 AS one'));
    expect(server.requests.map((r) => r.operation)).toEqual(['BeginTransaction', 'Execute', 'CommitTransaction']);
    const transactionId = server.requests[1]!.body.transactionId;
    expect(transactionId).toEqual(expect.any(String));
    expect(server.requests[0]!.body.transactionId).toBeUndefined();
    expect(server.requests[2]!.body.transactionId).toBe(transactionId);
  });

  it('sends RollbackTransaction, not Commit, when the work throws', async () => {
    await expect(db.transaction(async () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
    expect(server.requests.map((r) => r.operation)).toEqual(['BeginTransaction', 'RollbackTransaction']);
  });

  it('retries while the cluster resumes and succeeds after two DatabaseResumingException answers', async () => {
    server.failNext(2);
    expect(await db.query('SELECT 7 AS n')).toEqual([{ n: 7 }]);
    expect(server.requests.map((r) => r.error ?? 'ok')).toEqual([
      'DatabaseResumingException',
      'DatabaseResumingException',
      'ok',
    ]);
  });

  it('retries the older BadRequestException "Communications link failure" answer too', async () => {
    server.failNext(1, {
      type: 'BadRequestException',
      message: 'Communications link failure\n\nThe last packet sent successfully to the server was 0 milliseconds ago.',
      status: 400,
    });
    await db.transaction((tx) => tx.query('SELECT 1 AS one'));
    expect(server.requests.map((r) => `${r.operation}:${r.error ?? 'ok'}`)).toEqual([
      'BeginTransaction:BadRequestException',
      'BeginTransaction:ok',
      'Execute:ok',
      'CommitTransaction:ok',
    ]);
  });

  it('gives up after the configured attempts with the resuming error', async () => {
    server.failNext(3);
    await expect(db.query('SELECT 1 AS one')).rejects.toMatchObject({ name: 'DatabaseResumingException' });
    expect(server.requests).toHaveLength(3);
  });

  it('surfaces a SQL error at once, without retrying', async () => {
    await expect(db.query('SELECT * FROM no_such_table')).rejects.toMatchObject({
      name: 'DatabaseErrorException',
      message: expect.stringContaining('relation "no_such_table" does not exist'),
    });
    expect(server.requests).toHaveLength(1);
  });

  it('surfaces any other BadRequestException at once', async () => {
    server.failNext(1, {
      type: 'BadRequestException',
      message: 'Database returned more than the allowed response size limit',
      status: 400,
    });
    await expect(db.query('SELECT 1 AS one')).rejects.toMatchObject({ name: 'BadRequestException' });
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a missing parameter before calling the service', async () => {
    await expect(db.query('SELECT :missing AS m')).rejects.toThrow('SQL parameter :missing is missing');
    expect(server.requests).toHaveLength(0);
  });
});

describe('Data API field conversion', () => {
  it('converts fields by column type name', () => {
    expect(fieldValue({ stringValue: '12.50' }, 'numeric')).toBe(12.5);
    expect(fieldValue({ stringValue: '{"a":[1]}' }, 'jsonb')).toEqual({ a: [1] });
    expect(fieldValue({ stringValue: '2026-11-21 09:30:00' }, 'timestamptz')).toBe('2026-11-21T09:30:00.000Z');
    expect(fieldValue({ longValue: 5 }, 'int8')).toBe(5);
    expect(fieldValue({ booleanValue: true }, 'bool')).toBe(true);
    expect(fieldValue({ isNull: true }, 'jsonb')).toBeNull();
    expect(fieldValue({ arrayValue: { stringValues: ['1.5', '2'] } }, '_numeric')).toEqual([1.5, 2]);
    expect(fieldValue({ stringValue: '2026-11-21' }, 'date')).toBe('2026-11-21');
  });

  it('reads Data API timestamps as UTC, keeping milliseconds', () => {
    expect(dataApiTimestampToIso('2026-11-21 09:30:00.5')).toBe('2026-11-21T09:30:00.500Z');
    expect(dataApiTimestampToIso('2026-11-21 09:30:00.123456')).toBe('2026-11-21T09:30:00.123Z');
    expect(dataApiTimestampToIso('infinity')).toBe('infinity');
  });

  it('recognises only resume errors as retryable', () => {
    const error = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(isResuming(error('DatabaseResumingException', 'resuming'))).toBe(true);
    expect(isResuming(error('BadRequestException', 'The database is resuming after being auto-paused'))).toBe(true);
    expect(isResuming(error('BadRequestException', 'ERROR: syntax error at or near "SELEC"'))).toBe(false);
    expect(isResuming(error('DatabaseErrorException', 'Communications link failure'))).toBe(false);
    expect(isResuming('resuming')).toBe(false);
  });
});
