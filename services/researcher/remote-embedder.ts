/**
 * What the embedders on AWS (Bedrock Titan, a SageMaker endpoint) share: calls run a few at a time
 * (one text a call for Titan, a batch for SageMaker), every answer is checked to be the promised
 * dimension and finite, vectors leave L2-normalised as the port promises, and a fault a later
 * attempt may cure (after the SDK's own retries) becomes RetryableError so the queue retries it.
 */
import { RetryableError } from '#events/errors.ts';

/** SDK attempts per call (the first and two retries with backoff); then the queue retries. */
export const EMBED_MAX_ATTEMPTS = 3;

const TRANSIENT = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'TimeoutError',
]);

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of the items. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Checks one answer and returns it L2-normalised; `what` names the embedder in the error. */
export function unitVector(values: unknown, dimension: number, what: string): Float32Array {
  if (!Array.isArray(values) || values.length !== dimension || !values.every((v) => Number.isFinite(v))) {
    const shape = Array.isArray(values) ? `${values.length} values` : typeof values;
    throw new Error(`${what} answered ${shape}, not ${dimension} finite numbers: check the configured dimension`);
  }
  const vector = Float32Array.from(values as number[]);
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm === 0) throw new Error(`${what} answered a zero vector, which has no direction to compare`);
  for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  return vector;
}

/** A throttle or transient fault becomes retryable; anything else (access, model id) stays as it is. */
export function classifyEmbedError(error: unknown, what: string): Error {
  const name = (error as { name?: string })?.name ?? '';
  if (TRANSIENT.has(name)) {
    return new RetryableError(`${what} is unavailable (${name}); the message will be retried`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
