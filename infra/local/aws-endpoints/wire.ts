/**
 * The wire shapes both AWS JSON protocols share: a request as the endpoints see it, a response
 * as they give it, and AwsError, which becomes `{"__type", "message"}` with the status AWS uses.
 * SQS is query-compatible: its errors also carry `x-amzn-query-error: Code;Sender`, from which
 * the SDK and the CLI take the error code the old query protocol used.
 */

/** A request, transport-neutral: the node and fetch adapters both build one. */
export interface AwsRequest {
  method: string;
  /** Path as sent, still percent-encoded, without the query. */
  path: string;
  /** Query string without `?`, still encoded ('' when none). */
  query: string;
  /** Header names in lower case; repeated headers joined with ', ' as node does. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface AwsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class AwsError extends Error {
  constructor(
    /** The `__type`: a bare shape name (EventBridge) or `com.amazonaws.sqs#Name` (SQS). */
    readonly type: string,
    message: string,
    readonly status = 400,
    /** The query protocol's code and fault, for `x-amzn-query-error` (SQS only). */
    readonly queryError?: { code: string; fault: 'Sender' | 'Receiver' },
  ) {
    super(message);
  }
}

export function jsonResponse(contentType: string, body: unknown, requestId: string): AwsResponse {
  return {
    status: 200,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}

export function errorResponse(contentType: string, error: AwsError, requestId: string): AwsResponse {
  const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-requestid': requestId };
  if (error.queryError) headers['x-amzn-query-error'] = `${error.queryError.code};${error.queryError.fault}`;
  return { status: error.status, headers, body: JSON.stringify({ __type: error.type, message: error.message }) };
}

/** Reads a JSON request body as an object, or says it is not one (SerializationException). */
export function parseBody(body: Buffer, type: (name: string) => string): Record<string, unknown> {
  const text = body.length === 0 ? '{}' : body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AwsError(type('SerializationException'), 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwsError(type('SerializationException'), 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}
