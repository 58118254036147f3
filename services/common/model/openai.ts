/**
 * OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, LM Studio, llama.cpp server) at
 * `{baseUrl}/chat/completions`, with a json_schema response format generated from the zod
 * schema; the answer is parsed here and validated with zod by the guard. 429 and 5xx answers are retried a
 * bounded number of times, honouring Retry-After; when they persist the call throws
 * ModelUnavailableError, which fails the SQS record so the queue retries it later.
 */
import { ModelOutputError, ModelRequestError, ModelUnavailableError } from './errors.ts';
import type { ModelPort, ModelRequest, ModelResponse } from './port.ts';
import { structuredSchema, unwrapAnswer } from './structured-output.ts';

export interface OpenAiModelOptions {
  /** e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Retries after a 429 or 5xx, on top of the first request. */
  maxRetries?: number;
  /** Longest wait between retries, whatever Retry-After asks for. */
  maxRetryDelayMs?: number;
  timeoutMs?: number;
  maxTokens?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface ChatCompletion {
  model?: string;
  choices?: Array<{ finish_reason?: string; message?: { content?: string | null; refusal?: string | null } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export class OpenAiModel implements ModelPort {
  readonly name: string;
  private readonly url: string;

  constructor(private readonly options: OpenAiModelOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new Error(`OpenAI base URL "${options.baseUrl}" is not a URL (for example http://127.0.0.1:11434/v1)`);
    }
    if (!options.model.trim()) throw new Error('OpenAiModel needs a model name');
    this.url = `${base.href.replace(/\/+$/, '')}/chat/completions`;
    this.name = `openai:${options.model}`;
  }

  async generate<T>(request: ModelRequest<T>): Promise<ModelResponse<T>> {
    const structured = structuredSchema(request.schema, request.purpose);
    const body = JSON.stringify({
      model: this.options.model,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.prompt },
      ],
      temperature: 0,
      max_tokens: request.maxTokens ?? this.options.maxTokens ?? 4096,
      response_format: {
        type: 'json_schema',
        json_schema: { name: structured.name, schema: structured.providerSchema, strict: true },
      },
    });
    const started = performance.now();
    const maxRetries = this.options.maxRetries ?? 3;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

    for (let retry = 0; ; retry += 1) {
      let res: Response;
      try {
        res = await fetch(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
        });
      } catch (error) {
        if (retry < maxRetries) {
          await sleep(this.backoff(retry));
          continue;
        }
        throw new ModelUnavailableError(
          `${this.url} could not be reached: ${(error as Error).message}; the record will be retried`,
          { model: this.name, latencyMs: this.since(started) },
          { cause: error },
        );
      }
      if (res.status === 429 || res.status >= 500) {
        const text = await res.text().catch(() => '');
        if (retry < maxRetries) {
          await sleep(
            Math.min(
              retryAfterMs(res.headers.get('retry-after')) ?? this.backoff(retry),
              this.options.maxRetryDelayMs ?? 20_000,
            ),
          );
          continue;
        }
        throw new ModelUnavailableError(
          `${this.url} answered HTTP ${res.status} ${retry + 1} times (${text.slice(0, 200)}); the record will be retried`,
          { model: this.name, latencyMs: this.since(started), status: res.status },
        );
      }
      const text = await res.text();
      if (!res.ok) {
        throw new ModelRequestError(`${this.url} refused the request: HTTP ${res.status} ${text.slice(0, 300)}`, {
          model: this.name,
          latencyMs: this.since(started),
          status: res.status,
        });
      }
      return this.read(request, structured, text, this.since(started));
    }
  }

  private read<T>(
    request: ModelRequest<T>,
    structured: ReturnType<typeof structuredSchema>,
    text: string,
    latencyMs: number,
  ): ModelResponse<T> {
    let completion: ChatCompletion;
    try {
      completion = JSON.parse(text) as ChatCompletion;
    } catch {
      throw new ModelOutputError('the response body is not JSON', { model: this.name, latencyMs, raw: text });
    }
    const usage = {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    };
    const choice = completion.choices?.[0];
    const stopReason = choice?.finish_reason ?? undefined;
    const raw = choice?.message?.content ?? '';
    const details = { model: this.name, latencyMs, usage, raw, ...(stopReason ? { stopReason } : {}) };
    if (!choice) throw new ModelOutputError('the response has no choices', details);
    if (choice.message?.refusal) throw new ModelOutputError(`the model refused: ${choice.message.refusal}`, details);
    if (stopReason === 'length')
      throw new ModelOutputError(
        'the answer was cut off at the token limit (finish_reason length); answer more briefly',
        details,
      );
    let answer: unknown;
    try {
      // Some local servers wrap JSON in a code fence despite the response format.
      answer = JSON.parse(raw.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
    } catch {
      throw new ModelOutputError('the answer is not valid JSON; answer with the JSON object only', details);
    }
    // Not validated here: GuardedModel, which every call goes through, first cuts over-long
    // strings (with a note) and then validates with the request's schema and check.
    return {
      output: unwrapAnswer(answer, structured) as T,
      model: this.name,
      offline: false,
      usage,
      latencyMs,
      raw,
      ...(stopReason ? { stopReason } : {}),
    };
  }

  private backoff(retry: number): number {
    return Math.min(500 * 2 ** retry, this.options.maxRetryDelayMs ?? 20_000);
  }

  private since(started: number): number {
    return Math.round(performance.now() - started);
  }
}

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
