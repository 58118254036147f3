/**
 * One span per language-model call, with OpenTelemetry's GenAI semantic-convention attributes
 * (operation, provider, request and response model, input and output tokens, finish reasons), so
 * any OTLP backend, LangFuse included, shows each call in the job's trace. The token counts are
 * the audit record's, so the spans and the model_calls table always agree. Prompts, answers and
 * holdings leave only when ALEX_TRACE_CONTENT=1: user data stays out of traces by default.
 */
import { type Attributes, context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tracerOf, tracingEnabled } from '../tracing.ts';
import type { ModelCallRecord, ModelRequest } from './port.ts';

/** Provider names from the GenAI conventions' registry; the offline model is Alex's own. */
const PROVIDERS: Record<string, string> = { openai: 'openai', bedrock: 'aws.bedrock', offline: 'alex.offline' };

/** `openai:llama3.1` → provider openai, model llama3.1; a name without a prefix is its own provider. */
export function providerAndModel(name: string): { provider: string; model: string } {
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? name : name.slice(0, colon);
  return { provider: PROVIDERS[prefix] ?? prefix, model: colon < 0 ? name : name.slice(colon + 1) };
}

export function traceContentAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ALEX_TRACE_CONTENT === '1';
}

export interface ModelCallSpan {
  /** Ends the span with the call's audit record (and, when content may leave, what was said). */
  end(record: ModelCallRecord, content?: { raw?: string }): void;
}

const NOTHING: ModelCallSpan = { end: () => undefined };

/** Starts the span of one call to `modelName` (the adapter's name) for `request`, as sent. */
export function startModelCallSpan<T>(
  request: ModelRequest<T>,
  sent: { system: string; prompt: string },
  modelName: string,
): ModelCallSpan {
  if (!tracingEnabled()) return NOTHING;
  const { provider, model } = providerAndModel(modelName);
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'alex.model.purpose': request.purpose,
    ...(request.jobId ? { 'alex.job_id': request.jobId } : {}),
    ...(request.maxTokens ? { 'gen_ai.request.max_tokens': request.maxTokens } : {}),
  };
  if (traceContentAllowed()) {
    attributes['gen_ai.system_instructions'] = JSON.stringify([{ type: 'text', content: sent.system }]);
    attributes['gen_ai.input.messages'] = JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: sent.prompt }] },
    ]);
  }
  // CLIENT for a model behind a network call; the offline model runs in this process.
  const kind = provider === PROVIDERS.offline ? SpanKind.INTERNAL : SpanKind.CLIENT;
  const span = tracerOf(request.service).startSpan(`chat ${model}`, { kind, attributes }, context.active());
  return { end: (record, content) => endSpan(span, record, content) };
}

function endSpan(span: Span, record: ModelCallRecord, content?: { raw?: string }): void {
  const { verdicts } = record;
  span.setAttributes({
    'gen_ai.response.model': providerAndModel(record.model).model,
    'alex.model.attempt': record.attempt,
    'alex.model.outcome': verdicts.outcome,
    ...(record.inputTokens !== null ? { 'gen_ai.usage.input_tokens': record.inputTokens } : {}),
    ...(record.outputTokens !== null ? { 'gen_ai.usage.output_tokens': record.outputTokens } : {}),
    ...(verdicts.stopReason ? { 'gen_ai.response.finish_reasons': [verdicts.stopReason] } : {}),
  });
  if (traceContentAllowed() && content?.raw !== undefined) {
    span.setAttribute(
      'gen_ai.output.messages',
      JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: content.raw }] }]),
    );
  }
  if (verdicts.outcome === 'error') {
    span.setAttribute('error.type', verdicts.problem?.split(':')[0]?.slice(0, 60) ?? 'error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: verdicts.problem ?? 'the model call failed' });
  }
  span.end();
}
