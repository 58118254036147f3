/**
 * What a model call costs, for the ModelCostUsd metric and `alex stats`: a small vendored table of
 * the Bedrock models Alex can be configured with (ALEX_BEDROCK_MODEL_ID, the CDK's modelId: the
 * ones whose Converse API takes a forced tool choice, which structured output needs). A model not
 * listed has no price: its calls are counted as unpriced, never as free.
 */

/** US dollars per 1,000 tokens, on demand. */
export interface ModelPrice {
  inputPer1k: number;
  outputPer1k: number;
}

/**
 * Source: the Amazon Bedrock pricing page (https://aws.amazon.com/bedrock/pricing/), on-demand
 * list prices in us-east-1, as of 2025-06-01. Other regions can cost a little more; cross-region
 * inference profiles are billed at the source region's price. Update the date with the figures.
 */
export const BEDROCK_PRICES_AS_OF = '2025-06-01';
export const BEDROCK_PRICES: Readonly<Record<string, ModelPrice>> = {
  'amazon.nova-micro-v1:0': { inputPer1k: 0.000035, outputPer1k: 0.00014 },
  'amazon.nova-lite-v1:0': { inputPer1k: 0.00006, outputPer1k: 0.00024 },
  'amazon.nova-pro-v1:0': { inputPer1k: 0.0008, outputPer1k: 0.0032 },
  'anthropic.claude-3-haiku-20240307-v1:0': { inputPer1k: 0.00025, outputPer1k: 0.00125 },
  'anthropic.claude-3-5-haiku-20241022-v1:0': { inputPer1k: 0.0008, outputPer1k: 0.004 },
  'anthropic.claude-3-5-sonnet-20240620-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
  'anthropic.claude-sonnet-4-20250514-v1:0': { inputPer1k: 0.003, outputPer1k: 0.015 },
};

/** The offline model runs in the function: no charge per token. */
const OFFLINE: ModelPrice = { inputPer1k: 0, outputPer1k: 0 };

/**
 * The price of a model by the name its adapter gives (`bedrock:<model id>`, `offline`,
 * `openai:<model>`), or undefined when none is listed. An inference profile id
 * (`us.`, `eu.`, `apac.`, `global.` before the model id) costs what its model costs.
 */
export function priceOf(model: string): ModelPrice | undefined {
  if (model === 'offline') return OFFLINE;
  const bedrock = /^bedrock:(?:(?:us|eu|apac|global)\.)?(.+)$/.exec(model);
  return bedrock ? BEDROCK_PRICES[bedrock[1]!] : undefined;
}

/** US dollars for one call's tokens at `price`. */
export function costOf(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return (inputTokens / 1000) * price.inputPer1k + (outputTokens / 1000) * price.outputPer1k;
}
