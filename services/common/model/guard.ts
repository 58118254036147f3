/**
 * The guardrails every model call goes through, in one place, whatever the adapter:
 * - user-supplied text is screened for prompt injection; the verdict is recorded and, when
 *   something is flagged, the model is told in the system prompt that the text is data;
 * - strings in the answer longer than the schema allows (or than a default) are cut, with a note;
 * - the answer is validated with the request's schema and its check (e.g. numbers against the
 *   facts); a refused answer is asked for once more, with the reason, and a second refusal
 *   falls back to the request's offline answer, flagged as a fallback;
 * - one audit record per call (hashes, tokens, latency, verdicts).
 * Errors that a later retry may cure (throttling, network) are passed on, so the record fails
 * and SQS redelivers it; nothing here retries those (the adapters do, a bounded number of times).
 */
import { createHash } from 'node:crypto';
import { addModelCall } from '../metrics.ts';
import { ModelOutputError, ModelRequestError } from './errors.ts';
import { injectionNotice, screenUntrusted } from './injection-screen.ts';
import type { InjectionVerdict, ModelCallRecord, ModelPort, ModelRequest, ModelResponse, ModelUsage } from './port.ts';
import { describeIssues, isZodError, jsonSchemaOf } from './structured-output.ts';
import { startModelCallSpan } from './trace.ts';

export const CUT_NOTE = ' … [cut by Alex: the model wrote more than this field allows]';
/** For strings whose schema sets no maximum. */
export const DEFAULT_MAX_STRING = 8000;
/** Attempts per request: the first, and one retry with the validation error. */
const MAX_ATTEMPTS = 2;

export type ModelCallSink = (record: ModelCallRecord) => void;

export interface GuardOptions {
  now?: () => Date;
  maxStringChars?: number;
  onCall?: ModelCallSink;
}

export class GuardedModel implements ModelPort {
  constructor(
    readonly inner: ModelPort,
    private readonly options: GuardOptions = {},
  ) {}

  get name(): string {
    return this.inner.name;
  }

  /** The same guard, also telling `sink` about each call (for a handler that stores or carries them). */
  withSink(sink: ModelCallSink): GuardedModel {
    const previous = this.options.onCall;
    return new GuardedModel(this.inner, {
      ...this.options,
      onCall: (record) => {
        previous?.(record);
        sink(record);
      },
    });
  }

  async generate<T>(request: ModelRequest<T>): Promise<ModelResponse<T>> {
    const injection = screenUntrusted(request.untrusted ?? []);
    const system = injection.length > 0 ? `${request.system}\n\n${injectionNotice(injection)}` : request.system;
    const audit: ModelCallRecord[] = [];
    const usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
    let latencyMs = 0;
    let prompt = request.prompt;
    let modelName = this.inner.name;
    let problem = '';

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const sent: ModelRequest<T> = { ...request, system, prompt };
      const base = { attempt, promptSha256: sha256(`${system}\n\n${prompt}`), at: this.now().toISOString() };
      const started = performance.now();
      const span = startModelCallSpan(request, sent, this.inner.name);
      let response: ModelResponse<T>;
      try {
        response = await this.inner.generate(sent);
      } catch (error) {
        const elapsed = Math.round(performance.now() - started);
        latencyMs += elapsed;
        const details =
          error instanceof ModelOutputError || error instanceof ModelRequestError ? error.details : undefined;
        if (details?.usage) add(usage, details.usage);
        if (details?.model) modelName = details.model;
        const record = this.record(request, modelName, {
          ...base,
          responseSha256: details?.raw === undefined ? null : sha256(details.raw),
          inputTokens: details?.usage?.inputTokens ?? null,
          outputTokens: details?.usage?.outputTokens ?? null,
          latencyMs: elapsed,
          verdicts: {
            outcome: error instanceof ModelOutputError || isZodError(error) ? 'rejected' : 'error',
            injection,
            cut: [],
            ...(details?.stopReason ? { stopReason: details.stopReason } : {}),
            problem: clip(errorText(error), 1000),
          },
        });
        span.end(record, { ...(details?.raw !== undefined ? { raw: details.raw } : {}) });
        addModelCall(record);
        audit.push(record);
        if (error instanceof ModelRequestError) {
          return this.fallback(request, audit, {
            modelName,
            usage,
            latencyMs,
            attempts: attempt,
            injection,
            reason: `the model refused the request: ${error.message}`,
          });
        }
        if (!(error instanceof ModelOutputError || isZodError(error))) {
          this.emit(record);
          throw Object.assign(error as object, { audit });
        }
        if (attempt < MAX_ATTEMPTS) this.emit(record); // the last one is emitted with its fallback verdict
        problem = errorText(error);
        prompt = request.prompt + retryNote(problem);
        continue;
      }

      const elapsed = Math.round(performance.now() - started);
      latencyMs += elapsed;
      add(usage, response.usage);
      modelName = response.model;
      const { value, cut } = cutLongStrings(
        response.output,
        jsonSchemaOf(request.schema),
        this.options.maxStringChars ?? DEFAULT_MAX_STRING,
      );
      const parsed = request.schema.safeParse(value);
      const refusal = !parsed.success
        ? describeIssues(parsed.error)
        : response.offline
          ? undefined // computed from the facts: nothing to check it against but the schema
          : request.check?.(parsed.data);
      const record = this.record(request, modelName, {
        ...base,
        responseSha256: sha256(response.raw ?? JSON.stringify(response.output) ?? ''),
        inputTokens: response.offline ? 0 : response.usage.inputTokens,
        outputTokens: response.offline ? 0 : response.usage.outputTokens,
        latencyMs: elapsed,
        verdicts: {
          outcome: refusal !== undefined ? 'rejected' : response.offline ? 'offline' : 'accepted',
          injection,
          cut,
          ...(response.stopReason ? { stopReason: response.stopReason } : {}),
          ...(refusal !== undefined ? { problem: clip(refusal, 1000) } : {}),
        },
      });
      span.end(record, { raw: response.raw ?? JSON.stringify(response.output) ?? '' });
      addModelCall(record);
      audit.push(record);
      if (refusal === undefined && parsed.success) {
        this.emit(record);
        return {
          ...response,
          output: parsed.data,
          usage,
          latencyMs,
          attempts: attempt,
          guard: { injection, cut },
          audit,
        };
      }
      if (response.offline) {
        // The offline answer is the last resort: if it fails its own schema, that is a bug to see.
        this.emit(record);
        throw Object.assign(new Error(`the offline answer for ${request.purpose} fails its schema: ${refusal}`), {
          audit,
        });
      }
      if (attempt < MAX_ATTEMPTS) this.emit(record);
      problem = refusal ?? 'the answer was refused';
      prompt = request.prompt + retryNote(problem);
    }
    return this.fallback(request, audit, {
      modelName,
      usage,
      latencyMs,
      attempts: MAX_ATTEMPTS,
      injection,
      reason: `the model's answer was refused twice; last reason: ${problem}`,
    });
  }

  private fallback<T>(
    request: ModelRequest<T>,
    audit: ModelCallRecord[],
    outcome: {
      modelName: string;
      usage: ModelUsage;
      latencyMs: number;
      attempts: number;
      injection: InjectionVerdict[];
      reason: string;
    },
  ): ModelResponse<T> {
    const last = audit.at(-1)!;
    last.verdicts.fallback = clip(outcome.reason, 1000);
    this.emit(last);
    return {
      output: request.schema.parse(request.offline()),
      model: outcome.modelName,
      offline: false,
      usage: outcome.usage,
      latencyMs: outcome.latencyMs,
      attempts: outcome.attempts,
      fallback: { reason: outcome.reason },
      guard: { injection: outcome.injection, cut: [] },
      audit,
    };
  }

  private record<T>(
    request: ModelRequest<T>,
    model: string,
    fields: Omit<ModelCallRecord, 'service' | 'jobId' | 'model' | 'purpose'>,
  ): ModelCallRecord {
    return {
      service: request.service,
      ...(request.jobId !== undefined ? { jobId: request.jobId } : {}),
      model,
      purpose: request.purpose,
      ...fields,
    };
  }

  private emit(record: ModelCallRecord): void {
    this.options.onCall?.(record);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** The model behind its guard; a model already guarded is returned as it is, so nothing is guarded twice. */
export function guarded(model: ModelPort, options?: GuardOptions): GuardedModel {
  return model instanceof GuardedModel ? model : new GuardedModel(model, options);
}

/** The model behind its guard, reporting each call's audit record to `sink`. */
export function withAudit(model: ModelPort, sink: ModelCallSink): GuardedModel {
  return guarded(model).withSink(sink);
}

function retryNote(problem: string): string {
  return [
    '',
    '',
    'Your previous answer was rejected:',
    `<validation_error>${escapeMarkup(problem)}</validation_error>`,
    'Answer again in the required JSON shape, fixing exactly that.',
  ].join('\n');
}

function errorText(error: unknown): string {
  if (isZodError(error)) return describeIssues(error);
  return error instanceof Error ? error.message : String(error);
}

type JsonSchema = Record<string, unknown>;

/**
 * Cuts strings longer than their schema's maxLength (or `fallbackMax`), leaving room for a
 * note that says so. The note has no digits, so the reporter's number check cannot trip on it.
 */
export function cutLongStrings(
  value: unknown,
  schema: JsonSchema | undefined,
  fallbackMax: number,
): { value: unknown; cut: string[] } {
  const cut: string[] = [];
  const walk = (node: unknown, nodeSchema: JsonSchema | undefined, path: string): unknown => {
    if (typeof node === 'string') {
      const max = typeof nodeSchema?.maxLength === 'number' ? nodeSchema.maxLength : fallbackMax;
      if (node.length <= max) return node;
      cut.push(path || 'answer');
      return node.slice(0, Math.max(0, max - CUT_NOTE.length)).trimEnd() + CUT_NOTE;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, asSchema(nodeSchema?.items), `${path}[${i}]`));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [
          key,
          walk(child, propertySchema(nodeSchema, key), path ? `${path}.${key}` : key),
        ]),
      );
    }
    return node;
  };
  return { value: walk(value, schema, ''), cut };
}

function propertySchema(schema: JsonSchema | undefined, key: string): JsonSchema | undefined {
  if (!schema) return undefined;
  const own = asSchema((schema.properties as Record<string, unknown> | undefined)?.[key]);
  if (own) return own;
  for (const branch of [...((schema.anyOf as unknown[]) ?? []), ...((schema.oneOf as unknown[]) ?? [])]) {
    const found = propertySchema(asSchema(branch), key);
    if (found) return found;
  }
  return asSchema(schema.additionalProperties);
}

function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function add(total: ModelUsage, more: ModelUsage): void {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function escapeMarkup(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
