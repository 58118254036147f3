/**
 * Model calls in LangFuse: with LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY and LANGFUSE_HOST set,
 * spans go to <host>/api/public/otel/v1/traces with Basic auth and LangFuse's ingestion header;
 * each model call is a span with the GenAI attributes, its tokens equal the audit table's, and
 * prompts and holdings stay out unless ALEX_TRACE_CONTENT=1.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listModelCalls } from '#services/common/model/audit-store.ts';
import { CLASSIFIED, NARRATIVE } from '../../../support/model-answers.ts';
import { jsonAnswer, type OpenAiServer, startOpenAiServer } from '../../../support/openai-server.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../../../support/otlp-receiver.ts';
import { examplePortfolio, isJobEnd, jobRequest, startWithExample } from '../../support.ts';

const CLIENT = 3; // OTLP's SPAN_KIND_CLIENT

let receiver: OtlpReceiver | undefined;
let model: OpenAiServer | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await receiver?.close();
  await model?.close();
});

/** Runs one job with the OpenAI loopback model and LangFuse pointed at the receiver. */
async function tracedJob(env: Record<string, string> = {}) {
  // The tokens each answer reports, chosen here: the expected totals do not come from Alex.
  const issued = { input: 0, output: 0 };
  model = await startOpenAiServer((request, index) => {
    const tokens = { promptTokens: 1000 + index, completionTokens: 100 + 7 * index };
    issued.input += tokens.promptTokens;
    issued.output += tokens.completionTokens;
    return jsonAnswer(request, request.schemaName === 'write-report' ? NARRATIVE : CLASSIFIED, tokens);
  });
  receiver = await startOtlpReceiver();
  vi.stubEnv('ALEX_MODEL', 'openai');
  vi.stubEnv('ALEX_OPENAI_BASE_URL', model.baseUrl);
  vi.stubEnv('ALEX_OPENAI_MODEL', 'llama3.1');
  vi.stubEnv('LANGFUSE_PUBLIC_KEY', 'pk-lf-loopback');
  vi.stubEnv('LANGFUSE_SECRET_KEY', 'sk-lf-loopback');
  vi.stubEnv('LANGFUSE_HOST', `${receiver.url}/`);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { runtime, portfolio } = await startWithExample();
  const request = jobRequest(portfolio.user.id);
  const done = runtime.waitForEvent(isJobEnd(request.jobId), 60_000);
  runtime.sendJob(JSON.stringify(request));
  expect((await done)['detail-type']).toBe('AnalysisCompleted');
  await runtime.idle();
  const audit = await listModelCalls(runtime.db, request.jobId);
  await runtime.close();
  const modelSpans = receiver.spans.filter((span) => span.attributes['gen_ai.operation.name'] === 'chat');
  return { issued, audit, modelSpans, spans: receiver.spans, prompts: model.requests };
}

const sum = (spans: ReceivedSpan[], key: string) =>
  spans.reduce((total, span) => total + Number(span.attributes[key]), 0);

describe('model calls with LangFuse configured', () => {
  it('posts to <host>/api/public/otel/v1/traces with Basic auth of public:secret key and ingestion version 4', async () => {
    await tracedJob();
    expect(receiver!.requests.length).toBeGreaterThan(0);
    // base64("pk-lf-loopback:sk-lf-loopback"), worked out with `printf %s … | base64`.
    const basic = 'Basic cGstbGYtbG9vcGJhY2s6c2stbGYtbG9vcGJhY2s=';
    for (const request of receiver!.requests) {
      expect(request.path).toBe('/api/public/otel/v1/traces');
      expect(request.headers.authorization).toBe(basic);
      expect(request.headers['x-langfuse-ingestion-version']).toBe('4');
      expect(request.contentType).toBe('application/json');
    }
  });

  it('makes each model call a span with the GenAI attributes, its tokens equal to the audit table and the answers', async () => {
    const { issued, audit, modelSpans, spans, prompts } = await tracedJob();
    expect(modelSpans).toHaveLength(prompts.length);
    expect(audit).toHaveLength(prompts.length);
    for (const span of modelSpans) {
      expect(span.name).toBe('chat llama3.1');
      expect(span.kind).toBe(CLIENT);
      expect(span.attributes).toMatchObject({
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'llama3.1',
        'gen_ai.response.model': 'llama3.1',
        'gen_ai.response.finish_reasons': ['stop'],
      });
      expect(['alex-tagger', 'alex-reporter']).toContain(span.service);
      // In the job's trace, under the handler span that made the call.
      const parent = spans.find((other) => other.spanId === span.parentSpanId);
      expect(parent?.service).toBe(span.service);
      expect(parent?.traceId).toBe(span.traceId);
    }
    expect(sum(modelSpans, 'gen_ai.usage.input_tokens')).toBe(issued.input);
    expect(sum(modelSpans, 'gen_ai.usage.output_tokens')).toBe(issued.output);
    expect(audit.reduce((total, call) => total + (call.input_tokens ?? 0), 0)).toBe(issued.input);
    expect(audit.reduce((total, call) => total + (call.output_tokens ?? 0), 0)).toBe(issued.output);
  });

  it('exports no prompt, answer or holding unless ALEX_TRACE_CONTENT=1', async () => {
    const { spans, prompts } = await tracedJob();
    const exported = JSON.stringify(spans.map((span) => span.attributes));
    const portfolio = examplePortfolio();
    for (const text of [
      portfolio.user.name,
      ...portfolio.accounts.map((account) => account.name),
      ...portfolio.positions.flatMap((position) => (position.name ? [position.name] : [])),
      ...prompts.map((prompt) => prompt.prompt.slice(0, 80)),
      NARRATIVE.executiveSummary,
    ]) {
      expect(exported).not.toContain(JSON.stringify(text).slice(1, -1));
    }
    expect(exported).not.toContain('gen_ai.input.messages');
  });

  it('exports prompts and answers as GenAI messages with ALEX_TRACE_CONTENT=1', async () => {
    const { modelSpans, prompts } = await tracedJob({ ALEX_TRACE_CONTENT: '1' });
    const report = modelSpans.find((span) => span.attributes['alex.model.purpose'] === 'write-report')!;
    const input = JSON.parse(String(report.attributes['gen_ai.input.messages']));
    const sent = prompts.find((prompt) => prompt.schemaName === 'write-report')!;
    expect(input).toEqual([{ role: 'user', parts: [{ type: 'text', content: sent.prompt }] }]);
    const output = JSON.parse(String(report.attributes['gen_ai.output.messages']));
    expect(JSON.parse(output[0].parts[0].content)).toMatchObject(sent.wrapped ? { answer: NARRATIVE } : NARRATIVE);
  });
});
