/**
 * The storage port on Aurora PostgreSQL through the RDS Data API: no connection pool in Lambda,
 * IAM instead of passwords. SQL keeps its `:name` parameters (the Data API binds names itself);
 * values travel as typed fields and results come back through their column metadata.
 *
 * The Data API types a plain string as varchar, so SQL comparing a uuid column says
 * `:id::uuid`. We never guess a UUID type hint from a string's shape: a user id that happens to
 * look like a UUID would then fail against a text column.
 */
import {
  type ArrayValue,
  BeginTransactionCommand,
  type ColumnMetadata,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type Field,
  type RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import {
  isJsonParam,
  type Row,
  type SqlDatabase,
  type SqlExecutor,
  type SqlParam,
  type SqlParams,
} from '#services/common/sql-database.ts';
import { bindNamedParams, parameterNames } from './named-params.ts';

export interface ResumeRetry {
  /** Calls in all, the first included, while the cluster resumes from auto-pause. */
  readonly attempts: number;
  /** Delay before the first retry; doubles each time, capped at MAX_RETRY_DELAY_MS. */
  readonly baseDelayMs: number;
}

export interface DataApiOptions {
  readonly client: RDSDataClient;
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
  readonly retry?: ResumeRetry;
}

// A paused Aurora Serverless v2 cluster takes about 15 s to resume: 0.5+1+2+4+5+5+5 s covers it.
export const DEFAULT_RESUME_RETRY: ResumeRetry = { attempts: 8, baseDelayMs: 500 };
export const MAX_RETRY_DELAY_MS = 5_000;

export class DataApiDatabase implements SqlDatabase {
  private readonly retry: ResumeRetry;

  constructor(private readonly options: DataApiOptions) {
    this.retry = options.retry ?? DEFAULT_RESUME_RETRY;
    if (!Number.isInteger(this.retry.attempts) || this.retry.attempts < 1) {
      throw new RangeError(`retry.attempts must be a whole number of at least 1 (got ${this.retry.attempts})`);
    }
  }

  query<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.execute<T>(sql, params, undefined);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const { client, resourceArn, secretArn, database } = this.options;
    const begun = await this.withResumeRetry(() =>
      client.send(new BeginTransactionCommand({ resourceArn, secretArn, database })),
    );
    const transactionId = begun.transactionId;
    if (!transactionId) throw new Error('Data API BeginTransaction returned no transactionId');
    let result: T;
    try {
      result = await work({ query: (sql, params) => this.execute(sql, params, transactionId) });
    } catch (error) {
      try {
        await this.withResumeRetry(() =>
          client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId })),
        );
      } catch {
        // The work's error is the one worth reporting; the Data API drops an abandoned
        // transaction after its timeout anyway.
      }
      throw error;
    }
    await this.withResumeRetry(() =>
      client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId })),
    );
    return result;
  }

  async close(): Promise<void> {
    // The client belongs to the caller (Lambda reuses it across invocations); nothing to release.
  }

  private async execute<T extends Row>(
    sql: string,
    params: SqlParams | undefined,
    transactionId: string | undefined,
  ): Promise<T[]> {
    const names = parameterNames(sql);
    const values = bindNamedParams(names, params);
    const { client, resourceArn, secretArn, database } = this.options;
    const output = await this.withResumeRetry(() =>
      client.send(
        new ExecuteStatementCommand({
          resourceArn,
          secretArn,
          database,
          sql,
          parameters: names.map((name, i) => toSqlParameter(name, values[i]!)),
          includeResultMetadata: true,
          ...(transactionId ? { transactionId } : {}),
        }),
      ),
    );
    return recordsToRows<T>(output.records ?? [], output.columnMetadata ?? []);
  }

  /** Runs one Data API call, retrying only while the cluster resumes; other errors surface at once. */
  private async withResumeRetry<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= this.retry.attempts || !isResuming(error)) throw error;
        await sleep(Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS));
      }
    }
  }
}

/**
 * True when the cluster is resuming from auto-pause. Newer SDKs raise DatabaseResumingException;
 * older service behaviour is a BadRequestException saying so, or a JDBC "Communications link failure".
 */
export function isResuming(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'DatabaseResumingException') return true;
  return error.name === 'BadRequestException' && /resuming|communications link failure/i.test(error.message);
}

export function toSqlParameter(name: string, value: SqlParam): SqlParameter {
  if (value === null) return { name, value: { isNull: true } };
  if (typeof value === 'string') return { name, value: { stringValue: value } };
  if (typeof value === 'boolean') return { name, value: { booleanValue: value } };
  if (typeof value === 'number') {
    return { name, value: Number.isSafeInteger(value) ? { longValue: value } : { doubleValue: value } };
  }
  if (isJsonParam(value)) return { name, value: { stringValue: JSON.stringify(value.value) }, typeHint: 'JSON' };
  // The Data API reads TIMESTAMP as 'YYYY-MM-DD HH:MM:SS[.FFF]' in the session zone, UTC on Aurora.
  return {
    name,
    value: { stringValue: value.value.toISOString().slice(0, 23).replace('T', ' ') },
    typeHint: 'TIMESTAMP',
  };
}

export function recordsToRows<T extends Row>(
  records: readonly (readonly Field[])[],
  columns: readonly ColumnMetadata[],
): T[] {
  return records.map((fields) => {
    const row: Row = {};
    fields.forEach((field, i) => {
      const column = columns[i];
      row[column?.label ?? column?.name ?? `column${i + 1}`] = fieldValue(field, column?.typeName ?? '');
    });
    return row as T;
  });
}

/** One result field as the row contract wants it, by the column's PostgreSQL type name. */
export function fieldValue(field: Field, typeName: string): unknown {
  if (field.isNull) return null;
  const type = typeName.toLowerCase();
  if (field.arrayValue !== undefined) return arrayValue(field.arrayValue, type.replace(/^_/, ''));
  if (field.stringValue !== undefined) return fromString(field.stringValue, type);
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.blobValue !== undefined) return field.blobValue;
  return null;
}

function fromString(text: string, type: string): unknown {
  switch (type) {
    case 'json':
    case 'jsonb':
      return JSON.parse(text);
    case 'numeric':
    case 'decimal':
    case 'int8':
    case 'float4':
    case 'float8':
      return Number(text);
    case 'timestamptz':
    case 'timestamp':
      return dataApiTimestampToIso(text);
    case 'bool':
      return text === 't' || text === 'true';
    default:
      return text;
  }
}

function arrayValue(value: ArrayValue, elementType: string): unknown[] {
  // Arrays are sparse: an element may be null.
  if (value.arrayValues)
    return value.arrayValues.map((inner) => (inner === null ? null : arrayValue(inner, elementType)));
  if (value.stringValues)
    return value.stringValues.map((text) => (text === null ? null : fromString(text, elementType)));
  return value.longValues ?? value.doubleValues ?? value.booleanValues ?? [];
}

const DATA_API_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;

/** The Data API gives timestamps in UTC without a zone: `2026-11-21 09:30:00.5` -> `...09:30:00.500Z`. */
export function dataApiTimestampToIso(text: string): string {
  const match = DATA_API_TIMESTAMP.exec(text);
  if (!match) return text;
  const [, date, time, fraction = ''] = match;
  const parsed = new Date(`${date}T${time}.${fraction.padEnd(3, '0').slice(0, 3)}Z`);
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
