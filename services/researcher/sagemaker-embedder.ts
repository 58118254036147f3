/**
 * A SageMaker real-time endpoint as the Embedder (InvokeEndpoint, as the original design used).
 * Request: `application/json` `{"<inputKey>": ["text", …]}` (`inputs` by default, what Hugging Face
 * TEI and the HF inference toolkit take), a batch of texts a call. Answer: one pooled vector per
 * text, as `[[…], …]` or `{"embeddings"|"embedding": [[…], …]}`; token-level (unpooled) output is
 * refused with what to change. Vectors are L2-normalised here whatever the endpoint does.
 */
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { InvalidInputError } from '#events/errors.ts';
import type { Embedder } from './ports.ts';
import { classifyEmbedError, EMBED_MAX_ATTEMPTS, mapLimited, unitVector } from './remote-embedder.ts';

/** InvokeEndpoint's request body limit (the model's BodyBlob max), 6 MiB. */
export const SAGEMAKER_MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface SageMakerEmbedderOptions {
  endpointName: string;
  /** The model's output size; every answer is checked against it. */
  dimension: number;
  /** The request's key for the list of texts. */
  inputKey?: string;
  /** Prepended by purpose, for asymmetric models (E5: `query: ` and `passage: `). */
  queryPrefix?: string;
  passagePrefix?: string;
  /** Texts per InvokeEndpoint call. */
  batchSize?: number;
  /** Calls in flight at once: the endpoint's instances are the bound. */
  concurrency?: number;
  client?: SageMakerRuntimeClient;
  region?: string;
}

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export class SageMakerEmbedder implements Embedder {
  readonly name: string;
  readonly dimension: number;
  private readonly client: SageMakerRuntimeClient;

  constructor(private readonly options: SageMakerEmbedderOptions) {
    if (!ENDPOINT_NAME.test(options.endpointName)) {
      throw new InvalidInputError(
        `endpoint name "${options.endpointName}": must be 1 to 63 letters, digits and single hyphens (SageMaker's rule)`,
      );
    }
    if (!Number.isInteger(options.dimension) || options.dimension < 1 || options.dimension > 4096) {
      throw new InvalidInputError(`dimension: ${options.dimension} must be a whole number from 1 to 4096`);
    }
    // The endpoint's name stands for its model: redeploying another model under the same name is a new index.
    this.name = `sagemaker:${options.endpointName}`;
    this.dimension = options.dimension;
    this.client =
      options.client ??
      new SageMakerRuntimeClient({
        ...(options.region ? { region: options.region } : {}),
        maxAttempts: EMBED_MAX_ATTEMPTS,
      });
  }

  async embed(texts: readonly string[], purpose: 'passage' | 'query'): Promise<Float32Array[]> {
    const prefix = (purpose === 'query' ? this.options.queryPrefix : this.options.passagePrefix) ?? '';
    const size = this.options.batchSize ?? 16;
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += size) batches.push(texts.slice(i, i + size).map((text) => prefix + text));
    const answers = await mapLimited(batches, this.options.concurrency ?? 4, (batch) => this.call(batch));
    return answers.flat();
  }

  private async call(texts: string[]): Promise<Float32Array[]> {
    const body = JSON.stringify({ [this.options.inputKey ?? 'inputs']: texts });
    if (Buffer.byteLength(body) > SAGEMAKER_MAX_BODY_BYTES) {
      throw new InvalidInputError(
        `texts: a batch of ${texts.length} takes over InvokeEndpoint's 6 MiB body; use a smaller batch size`,
      );
    }
    let answer: Uint8Array;
    try {
      const response = await this.client.send(
        new InvokeEndpointCommand({
          EndpointName: this.options.endpointName,
          ContentType: 'application/json',
          Accept: 'application/json',
          Body: body,
        }),
      );
      answer = response.Body;
    } catch (error) {
      throw classifyEmbedError(error, `SageMaker endpoint ${this.options.endpointName}`);
    }
    const vectors = vectorsOf(JSON.parse(new TextDecoder().decode(answer)));
    const what = `SageMaker endpoint ${this.options.endpointName}`;
    if (!vectors || vectors.length !== texts.length) {
      throw new Error(
        `${what} answered ${vectors ? `${vectors.length} vectors` : 'no list of vectors'} for ${texts.length} texts: ` +
          'it must answer [[…], …] or {"embeddings": [[…], …]}, one pooled vector per text',
      );
    }
    if (vectors.some((vector) => Array.isArray(vector) && Array.isArray(vector[0]))) {
      throw new Error(`${what} answered one vector per token: deploy it with pooling (e.g. TEI /embed, mean pooling)`);
    }
    return vectors.map((vector) => unitVector(vector, this.dimension, what));
  }
}

function vectorsOf(answer: unknown): unknown[] | undefined {
  if (Array.isArray(answer)) return answer;
  const object = answer as { embeddings?: unknown; embedding?: unknown } | null;
  const list = object?.embeddings ?? object?.embedding;
  return Array.isArray(list) ? list : undefined;
}
