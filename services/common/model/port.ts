/**
 * The model port. Specialists ask a language model only for narrative, rationale and the
 * classification of unknown instruments; every number is computed elsewhere. Each request
 * carries a zod schema the answer must satisfy, and a deterministic offline answer computed
 * from the same facts, which the offline adapter returns and other adapters fall back to.
 */
import type { z } from 'zod';

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
}

export interface ModelPort {
  readonly name: string;
  generate<T>(request: ModelRequest<T>): Promise<ModelResponse<T>>;
}
