/**
 * The storage port on PGlite (PostgreSQL compiled to WebAssembly): the local runtime's Aurora.
 *
 * Parameters are typed the way the Data API types them, so SQL that Aurora would reject fails
 * here too: strings are varchar (a uuid column needs `:id::uuid`), integers bigint, other numbers
 * double precision, JsonParam jsonb, TimestampParam timestamptz, null untyped.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import {
  isJsonParam,
  isTimestampParam,
  type Row,
  type SqlDatabase,
  type SqlExecutor,
  type SqlParam,
  type SqlParams,
} from '#services/common/sql-database.ts';
import { bindNamedParams, compileNamedParams } from './named-params.ts';
import { type ClusterTemplate, clusterTemplate, seedDataDir } from './pglite-template.ts';

const UNTYPED = 0;

/**
 * Leaves PGlite's WebAssembly (PostgreSQL, about 9 MB) to V8's baseline compiler, Liftoff, for the
 * rest of the process. Optimising it with TurboFan runs on V8's background threads, whose compile
 * zones peak near 85 MB of malloc that glibc then keeps: an idle `alex serve` held 60–80 MB more
 * for it, and it was half the CPU of a command that opens a database for one query (`alex jobs
 * list`). Liftoff's code runs slower, yet six analyses through `alex serve` took no longer (the
 * optimising was CPU the second core no longer spends). The flag is process-wide and read when a
 * module compiles, so it is set before the first database opens; the CLI sets it for `serve` and
 * the commands that only look, while tests and benchmarks that run the runtime in-process keep V8's default.
 */
export function compileWasmBaselineOnly(): void {
  setFlagsFromString('--liftoff-only');
}

/**
 * PostgreSQL touches all of shared_buffers at start: initdb's 128 MB is a third of `alex`'s
 * memory. The local databases hold a few megabytes, so 16 MB keeps them cached all the same.
 */
// TimeZone is Aurora's default, so now()::date and timestamp-without-zone casts agree with
// production; set at start rather than by a statement after it, one round trip less per open.
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'TimeZone=UTC'];

/**
 * Opens PGlite: on disk under `dataDir` (created if missing), in memory without one. A new
 * database starts as a copy of the cluster template rather than running initdb; with
 * `preparation` (e.g. the migrations, see migrate.ts), of a template with that already done.
 */
export async function openPglite(dataDir?: string, preparation?: SqlTemplatePreparation): Promise<SqlDatabase> {
  // A folder that holds a cluster already needs no template: looking one up could make it
  // (initdb and the migrations, seconds and hundreds of MB) only to copy nothing.
  const holdsCluster = dataDir !== undefined && existsSync(join(dataDir, 'PG_VERSION'));
  const template = holdsCluster ? undefined : await pgliteTemplate(preparation);
  if (dataDir && template) seedDataDir(dataDir, template);
  const pg = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(!dataDir && template ? { loadDataDir: new Blob([readFileSync(template.tarball)]) } : {}),
    parsers: ROW_CONTRACT_PARSERS,
    startParams: START_PARAMS,
    // pgvector for the researcher's vector store (services/researcher/pgvector-store.ts): loaded
    // with every database, created in one by the store's ensureIndex (CREATE EXTENSION).
    extensions: { vector },
  });
  return new PgliteDatabase(pg);
}

/** The cluster template a new database is copied from, made now if missing (see pglite-template.ts). */
export function pgliteTemplate(preparation?: SqlTemplatePreparation): Promise<ClusterTemplate | undefined> {
  return clusterTemplate(
    preparation && {
      name: preparation.name,
      family: preparation.family,
      prepare: async (pg) => {
        await pg.exec("SET TIME ZONE 'UTC'");
        await preparation.prepare(new PgliteDatabase(pg));
      },
    },
  );
}

/** What a template database holds beyond initdb, done through the port; `name` unique per content. */
export interface SqlTemplatePreparation {
  readonly name: string;
  /** See TemplatePreparation.family: the part of the name that outdates other templates. */
  readonly family?: string;
  readonly prepare: (db: SqlDatabase) => Promise<void>;
}

/**
 * Whether to catch `db` used inside `db.transaction` (below): under tests and with ALEX_DEBUG.
 * Not always: the first AsyncLocalStorage.run turns on Node 20's async hooks for every promise
 * of the process, about a tenth of the API's and the runtime's CPU.
 */
const CHECK_NESTING = process.env.VITEST !== undefined || Boolean(process.env.ALEX_DEBUG);

class PgliteDatabase implements SqlDatabase {
  /** Set while this database runs a transaction's work, to catch use of `db` instead of `tx`. */
  private readonly insideTransaction = CHECK_NESTING ? new AsyncLocalStorage<true>() : undefined;

  constructor(private readonly pg: PGlite) {}

  query<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    this.refuseInsideTransaction('query');
    return runQuery<T>(this.pg, sql, params);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.refuseInsideTransaction('transaction');
    return this.pg.transaction((tx) => {
      const run = () => work({ query: (sql, params) => runQuery(tx, sql, params) });
      return this.insideTransaction ? this.insideTransaction.run(true, run) : run();
    });
  }

  /**
   * PGlite has one connection: a statement outside the open transaction waits for it to end, so
   * calling `db` from inside `db.transaction(work)` would hang for ever. On Aurora it would run
   * outside the transaction instead — wrong either way, so say so.
   */
  private refuseInsideTransaction(method: string): void {
    if (this.insideTransaction?.getStore()) {
      throw new Error(`db.${method}() called inside db.transaction(): use the tx executor passed to the work function`);
    }
  }

  close(): Promise<void> {
    return this.pg.close();
  }
}

async function runQuery<T extends Row>(target: PGlite | Transaction, sql: string, params?: SqlParams): Promise<T[]> {
  const compiled = compileNamedParams(sql);
  const values = bindNamedParams(compiled.names, params);
  const result = await target.query<T>(compiled.text, values.map(toText), {
    paramTypes: values.map(typeOf),
    // Values are already text in PostgreSQL's input syntax; PGlite's own serializers would
    // re-encode them (a jsonb serializer would quote a JSON string a second time).
    serializers: PASS_THROUGH_SERIALIZERS,
  });
  return result.rows;
}

function typeOf(value: SqlParam): number {
  if (value === null) return UNTYPED;
  if (typeof value === 'string') return types.VARCHAR;
  if (typeof value === 'boolean') return types.BOOL;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? types.INT8 : types.FLOAT8;
  if (isJsonParam(value)) return types.JSONB;
  return types.TIMESTAMPTZ;
}

function toText(value: SqlParam): string | null {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  if (isJsonParam(value)) return JSON.stringify(value.value);
  if (isTimestampParam(value)) return value.value.toISOString();
  throw new Error(`unsupported SQL parameter ${String(value)}`);
}

const identity = (text: string) => text;
const PASS_THROUGH_SERIALIZERS = Object.fromEntries(
  [types.BOOL, types.INT8, types.FLOAT8, types.VARCHAR, types.JSONB, types.TIMESTAMPTZ].map((oid) => [oid, identity]),
);

/** Parsers producing the port's row contract (PGlite's defaults give numeric as text and Dates). */
const ROW_CONTRACT_PARSERS = {
  [types.NUMERIC]: (text: string) => Number(text),
  [types.INT8]: (text: string) => Number(text),
  [types.TIMESTAMPTZ]: (text: string) => postgresTimestampToIso(text),
  // Without a zone, a timestamp is read as UTC, as Aurora's UTC session would.
  [types.TIMESTAMP]: (text: string) => postgresTimestampToIso(text),
  [types.DATE]: identity,
};

const PG_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:([+-]\d{2})(?::(\d{2}))?(?::\d{2})?)?$/;

/**
 * `2026-11-21 09:30:00.123456+00` -> `2026-11-21T09:30:00.123Z`. Values outside what ISO 8601 in
 * JavaScript can say (`infinity`, BC dates, years past 9999) are returned as PostgreSQL wrote them.
 */
export function postgresTimestampToIso(text: string): string {
  const match = PG_TIMESTAMP.exec(text);
  if (!match) return text;
  const [, date, time, fraction = '', offsetHours, offsetMinutes = '00'] = match;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const offset = offsetHours ? `${offsetHours}:${offsetMinutes}` : 'Z';
  const parsed = new Date(`${date}T${time}.${millis}${offset}`);
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}
