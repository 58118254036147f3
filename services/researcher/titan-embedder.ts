/**
 * Amazon Bedrock Titan Text Embeddings V2 as the Embedder: InvokeModel with
 * `{inputText, dimensions, normalize: true}`, answered `{embedding, inputTextTokenCount}`, one text
 * a call (the model takes one), a few calls at once. The model is symmetric: passages and queries
 * are embedded alike. Region and endpoint come the standard SDK way (AWS_REGION,
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME), as for the language model.
 */
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { InvalidInputError } from '#events/errors.ts';
import { TITAN_EMBED_V2_ID } from './knowledge-settings.ts';
import type { Embedder } from './ports.ts';
import { classifyEmbedError, EMBED_MAX_ATTEMPTS, mapLimited, unitVector } from './remote-embedder.ts';

export const TITAN_EMBED_V2 = TITAN_EMBED_V2_ID;
/** The output sizes the model offers; 1,024 is its default. */
export const TITAN_DIMENSIONS = [256, 512, 1024] as const;
export type TitanDimension = (typeof TITAN_DIMENSIONS)[number];
/** The model's input limit in characters (it also stops at 8,192 tokens). */
export const TITAN_MAX_CHARACTERS = 50_000;

export interface TitanEmbedderOptions {
  dimension?: TitanDimension;
  modelId?: string;
  client?: BedrockRuntimeClient;
  region?: string;
  /** Calls in flight at once: Bedrock's per-account rate is the bound, not this process. */
  concurrency?: number;
}

export function isTitanDimension(value: number): value is TitanDimension {
  return (TITAN_DIMENSIONS as readonly number[]).includes(value);
}

export class TitanEmbedder implements Embedder {
  readonly name: string;
  readonly dimension: TitanDimension;
  private readonly client: BedrockRuntimeClient;
  private readonly concurrency: number;

  constructor(options: TitanEmbedderOptions = {}) {
    this.name = options.modelId ?? TITAN_EMBED_V2;
    this.dimension = options.dimension ?? 1024;
    if (!isTitanDimension(this.dimension)) {
      throw new InvalidInputError(`dimensions: ${this.dimension} is not offered by ${this.name}; use 256, 512 or 1024`);
    }
    this.concurrency = options.concurrency ?? 8;
    this.client =
      options.client ??
      new BedrockRuntimeClient({
        ...(options.region ? { region: options.region } : {}),
        maxAttempts: EMBED_MAX_ATTEMPTS,
      });
  }

  async embed(texts: readonly string[], _purpose: 'passage' | 'query'): Promise<Float32Array[]> {
    texts.forEach((text, i) => {
      if (text.trim() === '') throw new InvalidInputError(`texts[${i}]: is empty; Titan embeds only non-empty text`);
      if (text.length > TITAN_MAX_CHARACTERS) {
        throw new InvalidInputError(
          `texts[${i}]: ${text.length} characters, over ${this.name}'s ${TITAN_MAX_CHARACTERS}; split it into passages`,
        );
      }
    });
    return mapLimited(texts, this.concurrency, (text) => this.embedOne(text));
  }

  private async embedOne(inputText: string): Promise<Float32Array> {
    let body: Uint8Array;
    try {
      const answer = await this.client.send(
        new InvokeModelCommand({
          modelId: this.name,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify({ inputText, dimensions: this.dimension, normalize: true }),
        }),
      );
      body = answer.body;
    } catch (error) {
      throw classifyEmbedError(error, `Bedrock ${this.name}`);
    }
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { embedding?: unknown };
    return unitVector(parsed.embedding, this.dimension, `Bedrock ${this.name}`);
  }
}
