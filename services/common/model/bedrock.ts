/**
 * Amazon Bedrock through the Converse API. Structured output by forced tool use: one tool whose
 * input schema is the JSON Schema of the request's zod schema, and toolChoice naming it, so the
 * answer arrives as the tool's input, unwrapped here and validated with zod by the guard.
 * Region and endpoint come the standard SDK way (AWS_REGION, AWS_ENDPOINT_URL_BEDROCK_RUNTIME),
 * so a loopback server or a VPC endpoint needs no code. Throttling is retried by the SDK
 * (maxAttempts); when it persists the call throws ModelUnavailableError, which fails the SQS
 * record so that the queue retries it later.
 */
import { BedrockRuntimeClient, ConverseCommand, type ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { ModelOutputError, ModelRequestError, ModelUnavailableError } from './errors.ts';
import type { ModelPort, ModelRequest, ModelResponse } from './port.ts';
import { structuredSchema, unwrapAnswer } from './structured-output.ts';

export const DEFAULT_MAX_TOKENS = 4096;
/** SDK attempts per call (the first and two retries with backoff); then the queue retries. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Errors that a later attempt may cure: throttling, capacity, transient faults. */
const RETRYABLE = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'TimeoutError',
]);

export interface BedrockModelOptions {
  modelId: string;
  /** An SDK client; one is made from the standard AWS settings when absent. */
  client?: BedrockRuntimeClient;
  region?: string;
  maxAttempts?: number;
}

export class BedrockModel implements ModelPort {
  readonly name: string;
  private readonly client: BedrockRuntimeClient;

  constructor(private readonly options: BedrockModelOptions) {
    if (!options.modelId.trim()) throw new Error('BedrockModel needs a model id');
    this.name = `bedrock:${options.modelId}`;
    this.client =
      options.client ??
      new BedrockRuntimeClient({
        ...(options.region ? { region: options.region } : {}),
        maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      });
  }

  async generate<T>(request: ModelRequest<T>): Promise<ModelResponse<T>> {
    const structured = structuredSchema(request.schema, request.purpose);
    const started = performance.now();
    let response: ConverseCommandOutput;
    try {
      response = await this.client.send(
        new ConverseCommand({
          modelId: this.options.modelId,
          system: [{ text: request.system }],
          messages: [{ role: 'user', content: [{ text: request.prompt }] }],
          inferenceConfig: { maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS, temperature: 0 },
          toolConfig: {
            tools: [
              {
                toolSpec: {
                  name: structured.name,
                  description: `Give the answer for ${request.purpose}, in exactly this shape.`,
                  inputSchema: { json: structured.providerSchema as never },
                },
              },
            ],
            toolChoice: { tool: { name: structured.name } },
          },
        }),
      );
    } catch (error) {
      throw this.classify(error, Math.round(performance.now() - started));
    }
    const latencyMs = Math.round(performance.now() - started);
    const usage = { inputTokens: response.usage?.inputTokens ?? 0, outputTokens: response.usage?.outputTokens ?? 0 };
    const stopReason = response.stopReason;
    const content = response.output?.message?.content ?? [];
    const toolUse = content.find((block) => block.toolUse?.name === structured.name)?.toolUse;
    const raw = JSON.stringify(toolUse ? toolUse.input : content);
    const details = { model: this.name, latencyMs, usage, raw, ...(stopReason ? { stopReason } : {}) };

    if (stopReason === 'max_tokens') {
      throw new ModelOutputError(
        `the answer was cut off at the token limit (stopReason max_tokens); answer more briefly`,
        details,
      );
    }
    if (!toolUse) {
      throw new ModelOutputError(
        `the answer did not use the ${structured.name} tool (stopReason ${stopReason ?? 'none'}); answer only by calling it`,
        details,
      );
    }
    // Not validated here: GuardedModel, which every call goes through, first cuts over-long
    // strings (with a note) and then validates with the request's schema and check.
    return {
      output: unwrapAnswer(toolUse.input, structured) as T,
      model: this.name,
      offline: false,
      usage,
      latencyMs,
      raw,
      ...(stopReason ? { stopReason } : {}),
    };
  }

  private classify(error: unknown, latencyMs: number): Error {
    const name = (error as { name?: string }).name ?? 'Error';
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const message = `Bedrock ${name}${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message ?? String(error)}`;
    const details = { model: this.name, latencyMs, ...(status ? { status } : {}) };
    // No status at all means no HTTP answer: the network, which a later attempt may cure.
    if (RETRYABLE.has(name) || status === 429 || (status !== undefined && status >= 500) || status === undefined) {
      return new ModelUnavailableError(`${message} (after the SDK's retries); the record will be retried`, details, {
        cause: error,
      });
    }
    return new ModelRequestError(message, details, { cause: error });
  }
}
