/**
 * The model port. Specialists ask a language model only for narrative, rationale and the
 * classification of unknown instruments; every number is computed elsewhere. Each request
 * carries a zod schema the answer must satisfy, and a deterministic offline answer computed
 * from the same facts, which the offline adapter returns and other adapters fall back to.
 *
 * Every call goes through GuardedModel (guard.ts): it screens user-supplied text, cuts
 * over-long answers, validates, retries once with the validation error, falls back to the
 * offline answer, and writes one audit record per call. The optional fields below are how a
 * request talks to the guard and how the guard reports back; adapters may ignore them.
 */
import type { z } from 'zod';
import type { ModelCallAudit } from '#events/catalog.ts';

export interface ModelRequest<T> {
  /** The calling service, for the audit trail. */
  service: string;
  jobId?: string;
  /** What the call is for, e.g. `classify-instrument` or `write-report`. */
  purpose: string;
  system: string;
  prompt: string;
  schema: z.ZodType<T>;
  /** The answer the offline model gives: deterministic, computed from the same facts. */
  offline: () => T;
  /**
   * Text in the prompt that users supplied (account, goal and instrument names), by field. The
   * caller delimits it in the prompt as data; the guard screens it for prompt injection.
   */
  untrusted?: ReadonlyArray<{ field: string; text: string }>;
  /**
   * A check beyond the schema, against the computed facts: returns why the answer is refused,
   * or undefined to accept it. A refusal is treated like a schema failure (one retry, then the
   * offline answer).
   */
  check?: (output: T) => string | undefined;
  /** Upper bound on the answer's tokens; adapters choose a default. */
  maxTokens?: number;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelResponse<T> {
  output: T;
  model: string;
  offline: boolean;
  usage: ModelUsage;
  latencyMs: number;
  /** The answer as the model sent it (adapters set it), hashed for the audit trail. */
  raw?: string;
  /** Why the model stopped, as the provider says it (`tool_use`, `max_tokens`, `stop`...). */
  stopReason?: string;
  /** Set by the guard: how many times the model was asked (1, or 2 after a rejected answer). */
  attempts?: number;
  /** Set by the guard when the model's answers were refused and `output` is the offline answer. */
  fallback?: { reason: string };
  /** Set by the guard: the screen's verdicts and which output fields were cut. */
  guard?: GuardReport;
  /** Set by the guard: one record per model call made for this response. */
  audit?: ModelCallRecord[];
}

export interface InjectionVerdict {
  field: string;
  signals: string[];
}

export interface GuardReport {
  injection: InjectionVerdict[];
  cut: string[];
}

export type ModelCallRecord = z.infer<typeof ModelCallAudit>;

export interface ModelPort {
  readonly name: string;
  generate<T>(request: ModelRequest<T>): Promise<ModelResponse<T>>;
}
