/**
 * The storage port for PostgreSQL. SQL is written once, with named parameters (`:jobId`), and
 * runs unchanged on Aurora through the RDS Data API and on PGlite locally.
 *
 * Row contract, the same from both adapters: column names as selected; integers, bigints and
 * numerics as JavaScript numbers; booleans as booleans; json/jsonb parsed; timestamps as ISO
 * 8601 strings in UTC (`2026-11-21T09:30:00.000Z`); NULL as null.
 */

/** A JSON parameter: sent as jsonb (Data API typeHint JSON). */
export interface JsonParam {
  readonly kind: 'json';
  readonly value: unknown;
}
/** A timestamp parameter: sent as timestamptz (Data API typeHint TIMESTAMP). */
export interface TimestampParam {
  readonly kind: 'timestamp';
  readonly value: Date;
}

export type SqlParam = string | number | boolean | null | JsonParam | TimestampParam;
export type SqlParams = Record<string, SqlParam>;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  /** Runs one statement. Returns the rows it produced (empty for statements without RETURNING). */
  query<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
}

export interface SqlDatabase extends SqlExecutor {
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function json(value: unknown): JsonParam {
  return { kind: 'json', value };
}

export function timestamp(value: Date | string): TimestampParam {
  return { kind: 'timestamp', value: typeof value === 'string' ? new Date(value) : value };
}

export function isJsonParam(value: SqlParam): value is JsonParam {
  return typeof value === 'object' && value !== null && value.kind === 'json';
}

export function isTimestampParam(value: SqlParam): value is TimestampParam {
  return typeof value === 'object' && value !== null && value.kind === 'timestamp';
}
