/**
 * The model_calls table: one row per language-model call. The tagger writes its own; the
 * reporter (no database) carries its records in its event and the aggregator writes them.
 */
import { json, type SqlExecutor, timestamp } from '#services/common/sql-database.ts';
import type { ModelCallRecord } from './port.ts';

export async function insertModelCalls(db: SqlExecutor, calls: readonly ModelCallRecord[]): Promise<void> {
  for (const call of calls) {
    await db.query(
      `INSERT INTO model_calls (job_id, service, model, purpose, prompt_sha256, response_sha256,
         input_tokens, output_tokens, latency_ms, verdicts, created_at)
       VALUES (:jobId::uuid, :service, :model, :purpose, :promptSha256, :responseSha256,
         :inputTokens, :outputTokens, :latencyMs, :verdicts, :at)`,
      {
        jobId: call.jobId ?? null,
        service: call.service,
        model: call.model,
        purpose: call.purpose,
        promptSha256: call.promptSha256,
        responseSha256: call.responseSha256,
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
        latencyMs: call.latencyMs,
        // The attempt number travels with the verdicts: 0001 has no column for it.
        verdicts: json({ attempt: call.attempt, ...call.verdicts }),
        at: timestamp(call.at),
      },
    );
  }
}

export type ModelCallRow = {
  service: string;
  model: string;
  purpose: string;
  prompt_sha256: string;
  response_sha256: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  latency_ms: number;
  verdicts: ModelCallRecord['verdicts'] & { attempt: number };
  created_at: string;
};

export async function listModelCalls(db: SqlExecutor, jobId: string): Promise<ModelCallRow[]> {
  return db.query<ModelCallRow>(
    `SELECT service, model, purpose, prompt_sha256, response_sha256, input_tokens, output_tokens, latency_ms, verdicts, created_at
     FROM model_calls WHERE job_id = :jobId::uuid ORDER BY created_at, id`,
    { jobId },
  );
}
