/**
 * A loopback stand-in for the RDS Data API, so DataApiDatabase is tested through the real
 * RDSDataClient: same REST-JSON wire format (POST /Execute, /BeginTransaction,
 * /CommitTransaction, /RollbackTransaction, as in the SDK's schemas_0.js), statements run on PGlite.
 *
 * It mimics what the service does with types: a stringValue without a hint is varchar, typeHint
 * JSON is json, TIMESTAMP is a timestamp without zone read in the session zone (UTC), longValue
 * bigint, doubleValue double precision. Results carry columnMetadata typeNames as PostgreSQL names
 * them, numeric as stringValue (decimalReturnType STRING) and timestamps as UTC text without zone.
 * SQL errors come back as DatabaseErrorException.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import { compileNamedParams } from '#infra/storage/named-params.ts';
import { pgliteTemplate } from '#infra/storage/pglite.ts';
import { listen, loopbackClientConfig, shutDown } from './loopback.ts';

export const RESOURCE_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:alex-test';
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:alex-test-AbCdEf';
export const DATABASE = 'alex';

export type Operation = 'Execute' | 'BeginTransaction' | 'CommitTransaction' | 'RollbackTransaction';

export interface RecordedRequest {
  readonly operation: Operation;
  readonly body: WireRequest;
  /** The error type answered, or undefined when the call succeeded. */
  readonly error?: string;
}

export interface WireParameter {
  name: string;
  value: WireField;
  typeHint?: string;
}
export interface WireField {
  isNull?: boolean;
  booleanValue?: boolean;
  longValue?: number;
  doubleValue?: number;
  stringValue?: string;
  blobValue?: string;
  arrayValue?: Record<string, unknown[]>;
}
export interface WireRequest {
  resourceArn?: string;
  secretArn?: string;
  database?: string;
  sql?: string;
  parameters?: WireParameter[];
  includeResultMetadata?: boolean;
  transactionId?: string;
}

export interface InjectedError {
  /** The error shape name the SDK deserializes, e.g. DatabaseResumingException. */
  readonly type: string;
  readonly message: string;
  readonly status: number;
}

export const RESUMING: InjectedError = {
  type: 'DatabaseResumingException',
  message: `The Aurora DB instance ${RESOURCE_ARN} is resuming after being auto-paused. Please wait a few seconds and try again.`,
  status: 400,
};

export interface DataApiServer {
  /** `http://127.0.0.1:<port>`, for RDSDataClient's `endpoint`. */
  readonly endpoint: string;
  /** Every call received, in order, including those answered with an injected error. */
  readonly requests: RecordedRequest[];
  /** The database behind the endpoint, for direct inspection. */
  readonly pg: PGlite;
  /** Answers the next `count` calls, whatever they are, with `error` (resuming by default). */
  failNext(count: number, error?: InjectedError): void;
  /** A real RDSDataClient pointed at this server with dummy credentials. */
  client(): RDSDataClient;
  close(): Promise<void>;
}

export async function startDataApiServer(): Promise<DataApiServer> {
  // From the cluster template when there is one: initdb would cost seconds per server.
  const template = await pgliteTemplate();
  const pg = await PGlite.create(template ? { loadDataDir: new Blob([readFileSync(template.tarball)]) } : {});
  await pg.exec("SET TIME ZONE 'UTC'");
  const service = new FakeDataApi(pg);
  const requests: RecordedRequest[] = [];
  const injected: InjectedError[] = [];
  const clients: RDSDataClient[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      reply(res, 500, { message: String(error) }, 'InternalServerErrorException'),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = (req.url ?? '').replace(/^\//, '').split('?')[0] as Operation;
    const body = JSON.parse((await readBody(req)) || '{}') as WireRequest;
    if (
      !['Execute', 'BeginTransaction', 'CommitTransaction', 'RollbackTransaction'].includes(operation) ||
      req.method !== 'POST'
    ) {
      requests.push({ operation, body, error: 'UnknownOperationException' });
      return reply(res, 404, { message: `no such operation ${req.method} ${req.url}` }, 'UnknownOperationException');
    }
    const failure = injected.shift();
    if (failure) {
      requests.push({ operation, body, error: failure.type });
      return reply(res, failure.status, { message: failure.message }, failure.type);
    }
    try {
      const output = await service[operation](body);
      requests.push({ operation, body });
      reply(res, 200, output);
    } catch (error) {
      const answer = error instanceof WireError ? error : databaseError(error);
      requests.push({ operation, body, error: answer.type });
      reply(res, answer.status, { message: answer.message }, answer.type);
    }
  }

  const endpoint = await listen(server);

  return {
    endpoint,
    requests,
    pg,
    failNext(count, error = RESUMING) {
      for (let i = 0; i < count; i += 1) injected.push(error);
    },
    client() {
      const client = new RDSDataClient(loopbackClientConfig(endpoint));
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await shutDown(server);
      await service.abandonTransactions();
      await pg.close();
    },
  };
}

class WireError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function databaseError(error: unknown): WireError {
  const e = error as { message?: string; code?: string };
  // The service's wording: the PostgreSQL message, then its SQLState.
  return new WireError(
    'DatabaseErrorException',
    `ERROR: ${e.message ?? String(error)}; SQLState: ${e.code ?? 'XX000'}`,
  );
}

interface OpenTransaction {
  tx: Transaction;
  finish(commit: boolean): void;
  ended: Promise<'committed' | 'rolled back'>;
}

const ROLLBACK = Symbol('rollback');

class FakeDataApi {
  private readonly transactions = new Map<string, OpenTransaction>();
  private readonly typeNames = new Map<number, string>(
    Object.entries(KNOWN_TYPE_NAMES).map(([oid, name]) => [Number(oid), name]),
  );

  constructor(private readonly pg: PGlite) {}

  async Execute(request: WireRequest): Promise<object> {
    requireArns(request);
    if (!request.sql) throw new WireError('BadRequestException', 'sql is required');
    const target = request.transactionId ? this.open(request.transactionId).tx : this.pg;
    const compiled = compileNamedParams(request.sql);
    const byName = new Map((request.parameters ?? []).map((parameter) => [parameter.name, parameter]));
    const bound = compiled.names.map((name) => {
      const parameter = byName.get(name);
      if (!parameter) throw new WireError('BadRequestException', `No value specified for parameter: ${name}`);
      return bindParameter(parameter);
    });
    const result = await target.query<unknown[]>(
      compiled.text,
      bound.map((p) => p.text),
      {
        rowMode: 'array',
        paramTypes: bound.map((p) => p.oid),
        serializers: Object.fromEntries(bound.map((p) => [p.oid, (x: string) => x])),
        parsers: RAW_TEXT_PARSERS,
      },
    );
    const columns = await Promise.all(
      result.fields.map(async (field) => ({ field, typeName: await this.typeName(field.dataTypeID, target) })),
    );
    const output: Record<string, unknown> = { numberOfRecordsUpdated: result.affectedRows ?? 0 };
    if (result.fields.length > 0) {
      output.records = result.rows.map((row) => row.map((value, i) => toWireField(value, columns[i]!.typeName)));
      if (request.includeResultMetadata) {
        output.columnMetadata = columns.map(({ field, typeName }) => ({
          name: field.name,
          label: field.name,
          typeName,
          type: JDBC_TYPES[typeName] ?? (typeName.startsWith('_') ? 2003 : 1111),
        }));
      }
    }
    return output;
  }

  async BeginTransaction(request: WireRequest): Promise<object> {
    requireArns(request);
    const transactionId = randomUUID();
    let started!: (tx: Transaction) => void;
    const ready = new Promise<Transaction>((resolve) => (started = resolve));
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    // PGlite runs one transaction at a time: statements outside it wait, as they would wait on
    // row locks in Aurora, instead of seeing uncommitted rows.
    const ended = this.pg
      .transaction(async (tx) => {
        started(tx);
        if (!(await decided)) throw ROLLBACK;
      })
      .then(
        () => 'committed' as const,
        (error: unknown) => {
          if (error === ROLLBACK) return 'rolled back' as const;
          throw error;
        },
      );
    ended.catch(() => undefined); // surfaced by CommitTransaction
    this.transactions.set(transactionId, { tx: await ready, finish, ended });
    return { transactionId };
  }

  async CommitTransaction(request: WireRequest): Promise<object> {
    requireArns(request);
    const open = this.open(request.transactionId);
    this.transactions.delete(request.transactionId!);
    open.finish(true);
    await open.ended;
    return { transactionStatus: 'Transaction Committed' };
  }

  async RollbackTransaction(request: WireRequest): Promise<object> {
    requireArns(request);
    const open = this.open(request.transactionId);
    this.transactions.delete(request.transactionId!);
    open.finish(false);
    await open.ended.catch(() => undefined);
    return { transactionStatus: 'Rollback Complete' };
  }

  async abandonTransactions(): Promise<void> {
    for (const open of this.transactions.values()) {
      open.finish(false);
      await open.ended.catch(() => undefined);
    }
    this.transactions.clear();
  }

  private open(transactionId: string | undefined): OpenTransaction {
    const open = transactionId ? this.transactions.get(transactionId) : undefined;
    if (!open) throw new WireError('BadRequestException', `Transaction ${transactionId} is not found`);
    return open;
  }

  private async typeName(oid: number, target: PGlite | Transaction): Promise<string> {
    let name = this.typeNames.get(oid);
    if (name === undefined) {
      const { rows } = await target.query<{ typname: string }>('SELECT typname FROM pg_type WHERE oid = $1', [oid]);
      name = rows[0]?.typname ?? 'unknown';
      this.typeNames.set(oid, name);
    }
    return name;
  }
}

function requireArns(request: WireRequest): void {
  if (request.resourceArn !== RESOURCE_ARN)
    throw new WireError('BadRequestException', `unknown resourceArn ${request.resourceArn}`);
  if (request.secretArn !== SECRET_ARN)
    throw new WireError('BadRequestException', `unknown secretArn ${request.secretArn}`);
}

const HINT_TYPES: Record<string, number> = {
  JSON: types.JSON,
  UUID: types.UUID,
  TIMESTAMP: types.TIMESTAMP,
  DATE: types.DATE,
  TIME: types.TIME,
  DECIMAL: types.NUMERIC,
};

function bindParameter(parameter: WireParameter): { text: string | null; oid: number } {
  const { value, typeHint } = parameter;
  if (value.isNull) return { text: null, oid: 0 };
  if (value.stringValue !== undefined) {
    if (typeHint && !(typeHint in HINT_TYPES))
      throw new WireError('BadRequestException', `invalid typeHint ${typeHint}`);
    return { text: value.stringValue, oid: typeHint ? HINT_TYPES[typeHint]! : types.VARCHAR };
  }
  if (value.longValue !== undefined) return { text: String(value.longValue), oid: types.INT8 };
  if (value.doubleValue !== undefined) return { text: String(value.doubleValue), oid: types.FLOAT8 };
  if (value.booleanValue !== undefined) return { text: value.booleanValue ? 't' : 'f', oid: types.BOOL };
  if (value.blobValue !== undefined)
    return { text: `\\x${Buffer.from(value.blobValue, 'base64').toString('hex')}`, oid: types.BYTEA };
  throw new WireError(
    'BadRequestException',
    `parameter ${parameter.name} has no supported value (array parameters are not supported)`,
  );
}

/** PostgreSQL's own text output for scalar types; the field is built from it as the service does. */
const RAW_TEXT_PARSERS = Object.fromEntries(
  [
    types.BOOL,
    types.INT2,
    types.INT4,
    types.INT8,
    types.FLOAT4,
    types.FLOAT8,
    types.NUMERIC,
    types.JSON,
    types.JSONB,
    types.DATE,
    types.TIMESTAMP,
    types.TIMESTAMPTZ,
    types.BYTEA,
  ].map((oid) => [oid, (text: string) => text]),
);

function toWireField(value: unknown, typeName: string): WireField {
  if (value === null || value === undefined) return { isNull: true };
  if (Array.isArray(value)) return { arrayValue: toWireArray(value) };
  switch (typeName) {
    case 'bool':
      return { booleanValue: value === 't' };
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return { longValue: Number(value) };
    case 'float4':
    case 'float8':
      return { doubleValue: Number(value) };
    case 'timestamptz':
      // Session zone is UTC; the service drops the offset.
      return { stringValue: String(value).replace(/\+00$/, '') };
    case 'bytea':
      return { blobValue: Buffer.from(String(value).replace(/^\\x/, ''), 'hex').toString('base64') };
    default:
      return { stringValue: String(value) };
  }
}

function toWireArray(values: unknown[]): Record<string, unknown[]> {
  if (values.some(Array.isArray)) return { arrayValues: values.map((v) => toWireArray(v as unknown[])) };
  if (values.every((v) => typeof v === 'boolean')) return { booleanValues: values };
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) return { longValues: values };
  if (values.every((v) => typeof v === 'number')) return { doubleValues: values };
  return { stringValues: values.map((v) => (v instanceof Date ? v.toISOString() : String(v))) };
}

const KNOWN_TYPE_NAMES: Record<number, string> = {
  [types.BOOL]: 'bool',
  [types.BYTEA]: 'bytea',
  [types.INT2]: 'int2',
  [types.INT4]: 'int4',
  [types.INT8]: 'int8',
  [types.TEXT]: 'text',
  [types.VARCHAR]: 'varchar',
  [types.FLOAT4]: 'float4',
  [types.FLOAT8]: 'float8',
  [types.NUMERIC]: 'numeric',
  [types.JSON]: 'json',
  [types.JSONB]: 'jsonb',
  [types.DATE]: 'date',
  [types.TIMESTAMP]: 'timestamp',
  [types.TIMESTAMPTZ]: 'timestamptz',
  [types.UUID]: 'uuid',
};

/** java.sql.Types codes the service reports in ColumnMetadata.type. */
const JDBC_TYPES: Record<string, number> = {
  bool: -7,
  int2: 5,
  int4: 4,
  int8: -5,
  float4: 7,
  float8: 8,
  numeric: 2,
  text: 12,
  varchar: 12,
  date: 91,
  timestamp: 93,
  timestamptz: 93,
  bytea: -2,
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: object, errorType?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // REST-JSON clients read the error shape name from this header first (loadRestJsonErrorCode).
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers).end(JSON.stringify(body));
}
