/**
 * How adapters tell the guard what went wrong, so it can decide: retry with the validation
 * error, fall back to the offline answer, or fail the record so SQS retries it later.
 */
import { RetryableError } from '#events/errors.ts';
import type { ModelUsage } from './port.ts';

export interface ModelErrorDetails {
  model: string;
  latencyMs?: number;
  usage?: ModelUsage;
  /** The answer as sent, when there was one. */
  raw?: string;
  stopReason?: string;
  status?: number;
}

/** The model answered, but not with a usable answer: malformed, invalid, or cut off at max tokens. */
export class ModelOutputError extends Error {
  override name = 'ModelOutputError';
  constructor(
    message: string,
    readonly details: ModelErrorDetails,
  ) {
    super(message);
  }
}

/**
 * The model could not be reached or is throttling, even after the adapter's own retries.
 * Retryable: the handler fails the record and SQS redelivers it after the visibility timeout.
 */
export class ModelUnavailableError extends RetryableError {
  override name = 'ModelUnavailableError';
  constructor(
    message: string,
    readonly details: ModelErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The provider refused the request itself (bad model id, access denied, schema not accepted):
 * a configuration problem that a retry will not cure. The guard falls back to the offline
 * answer and says why.
 */
export class ModelRequestError extends Error {
  override name = 'ModelRequestError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly details: ModelErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
