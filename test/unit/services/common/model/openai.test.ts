/** The OpenAI-compatible adapter with real fetch against a loopback chat-completions server, behind the guard. */
import { afterEach, describe, expect, it } from 'vitest';
import { ModelUnavailableError } from '#services/common/model/errors.ts';
import { withAudit } from '#services/common/model/guard.ts';
import { OpenAiModel, retryAfterMs } from '#services/common/model/openai.ts';
import type { ModelCallRecord } from '#services/common/model/port.ts';
import { classifyInstruments } from '#services/tagger/domain.ts';
import {
  contentAnswer,
  jsonAnswer,
  type OpenAiScript,
  type OpenAiServer,
  rateLimited,
  startOpenAiServer,
} from '#test/support/openai-server.ts';

const CLASSIFIED = {
  outcome: 'classified',
  instrumentType: 'mutual_fund',
  assetClass: { equity: 100 },
  regions: { north_america: 100 },
  sectors: { other: 100 },
  rationale: 'A US total-market index fund; weights approximate.',
};

let server: OpenAiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function openai(script: OpenAiScript, options: { apiKey?: string; maxRetries?: number } = {}) {
  server = await startOpenAiServer(script);
  const waits: number[] = [];
  const records: ModelCallRecord[] = [];
  const adapter = new OpenAiModel({
    baseUrl: server.baseUrl,
    model: 'llama3.1',
    ...options,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { model: withAudit(adapter, (r) => records.push(r)), records, waits, server };
}

describe('OpenAiModel through the guard', () => {
  it('asks with a strict json_schema response format and a bearer key, and keeps a valid answer', async () => {
    const { model, records, server } = await openai(
      (request) => jsonAnswer(request, CLASSIFIED, { promptTokens: 200, completionTokens: 60 }),
      { apiKey: 'sk-loopback' },
    );
    const [result] = await classifyInstruments([{ symbol: 'ACMEX', name: 'Acme Total Market Fund' }], model, {});
    expect(result).toMatchObject({ source: 'model', sources: ['model: openai:llama3.1'] });
    const [seen] = server.requests;
    expect(seen!.headers.authorization).toBe('Bearer sk-loopback');
    expect(seen!.body).toMatchObject({
      model: 'llama3.1',
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: 'classify-instrument', strict: true } },
    });
    expect(seen!.body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect(records[0]).toMatchObject({
      model: 'openai:llama3.1',
      inputTokens: 200,
      outputTokens: 60,
      verdicts: { outcome: 'accepted', stopReason: 'stop' },
    });
  });

  it('sends no authorization header without a key', async () => {
    const { model, server } = await openai((request) => jsonAnswer(request, CLASSIFIED));
    await classifyInstruments([{ symbol: 'ACMEX', name: 'Acme Total Market Fund' }], model, {});
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('waits as Retry-After says after a 429, then succeeds', async () => {
    const { model, waits, server } = await openai((request, index) =>
      index === 0 ? rateLimited(2) : jsonAnswer(request, CLASSIFIED),
    );
    const [result] = await classifyInstruments([{ symbol: 'ACMEX', name: 'Acme Total Market Fund' }], model, {});
    expect(result!.source).toBe('model');
    expect(server.requests).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it('gives up after a bounded number of 429s with a retryable error', async () => {
    const { model, records, waits, server } = await openai(() => rateLimited(0), { maxRetries: 2 });
    const failure = await classifyInstruments([{ symbol: 'ACMEX', name: 'Acme Total Market Fund' }], model, {}).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ModelUnavailableError);
    expect((failure as Error).message).toMatch(/HTTP 429 3 times/);
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([0, 0]);
    expect(records.map((r) => r.verdicts.outcome)).toEqual(['error']);
  });

  it('retries content that is not JSON once, then falls back to the offline heuristic and says so', async () => {
    const { model, records, server } = await openai(() => contentAnswer('I think it is an equity fund.'));
    const [result] = await classifyInstruments([{ symbol: 'ACMEX', name: 'Acme US Equity Fund' }], model, {});
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.prompt).toContain('<validation_error>the answer is not valid JSON');
    expect(result!.sources).toEqual(['offline heuristic (fallback: the answers of openai:llama3.1 were refused)']);
    expect(records[1]!.verdicts.fallback).toMatch(/refused twice/);
  });

  it('treats finish_reason length as a refused answer', async () => {
    const { model, records } = await openai((request, index) =>
      index === 0
        ? contentAnswer('{"answer":{"outcome":"classif', { finishReason: 'length' })
        : jsonAnswer(request, CLASSIFIED),
    );
    const [result] = await classifyInstruments([{ symbol: 'ACMEX', name: 'Acme Total Market Fund' }], model, {});
    expect(result!.source).toBe('model');
    expect(records[0]!.verdicts).toMatchObject({
      outcome: 'rejected',
      stopReason: 'length',
      problem: expect.stringMatching(/token limit/),
    });
  });

  it('falls back at once when the server refuses the request (401), without retrying', async () => {
    const { model, records, server } = await openai(() => ({
      status: 401,
      body: { error: { message: 'invalid api key' } },
    }));
    const [result] = await classifyInstruments([{ symbol: 'ACMEX', name: 'Acme US Equity Fund' }], model, {});
    expect(server.requests).toHaveLength(1);
    expect(result!.rationale).toMatch(/refused the request: HTTP 401/);
    expect(records[0]!.verdicts.outcome).toBe('error');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-21T09:30:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Sat, 21 Nov 2026 09:30:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
