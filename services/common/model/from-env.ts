/**
 * The model a service uses, chosen by ALEX_MODEL: `offline` (the default: no network),
 * `bedrock` or `openai`. Always behind the guard. The local runtime and the Lambda wiring both
 * call this, so the choice is the same setting everywhere.
 */
import { InvalidInputError } from '#events/errors.ts';
import { BedrockModel } from './bedrock.ts';
import { GuardedModel, guarded } from './guard.ts';
import { OfflineModel } from './offline.ts';
import { OpenAiModel } from './openai.ts';

export const MODEL_ENV = {
  model: 'ALEX_MODEL',
  bedrockModelId: 'ALEX_BEDROCK_MODEL_ID',
  openAiBaseUrl: 'ALEX_OPENAI_BASE_URL',
  openAiModel: 'ALEX_OPENAI_MODEL',
  openAiApiKey: 'ALEX_OPENAI_API_KEY',
} as const;

export const MODEL_KINDS = ['offline', 'bedrock', 'openai'] as const;

export function modelFromEnv(env: NodeJS.ProcessEnv = process.env): GuardedModel {
  const kind = (env[MODEL_ENV.model] ?? '').trim().toLowerCase() || 'offline';
  switch (kind) {
    case 'offline':
      return guarded(new OfflineModel());
    case 'bedrock': {
      const modelId = need(
        env,
        MODEL_ENV.bedrockModelId,
        'bedrock',
        'e.g. anthropic.claude-3-5-haiku-20241022-v1:0 or an inference profile id',
      );
      // Region and endpoint (AWS_ENDPOINT_URL_BEDROCK_RUNTIME) are read by the SDK itself.
      const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
      return guarded(new BedrockModel({ modelId, ...(region ? { region } : {}) }));
    }
    case 'openai': {
      const baseUrl = need(env, MODEL_ENV.openAiBaseUrl, 'openai', 'e.g. http://127.0.0.1:11434/v1');
      if (!/^https?:$/.test(URL.parse(baseUrl)?.protocol ?? ''))
        throw new InvalidInputError(
          `${MODEL_ENV.openAiBaseUrl}: "${baseUrl}" is not an http(s) URL (e.g. http://127.0.0.1:11434/v1)`,
        );
      const model = need(env, MODEL_ENV.openAiModel, 'openai', 'e.g. llama3.1 or gpt-4o-mini');
      const apiKey = env[MODEL_ENV.openAiApiKey]?.trim();
      return guarded(new OpenAiModel({ baseUrl, model, ...(apiKey ? { apiKey } : {}) }));
    }
    default:
      throw new InvalidInputError(
        `${MODEL_ENV.model}: "${env[MODEL_ENV.model]}" is not a model; use one of ${MODEL_KINDS.join(', ')}`,
      );
  }
}

function need(env: NodeJS.ProcessEnv, name: string, kind: string, example: string): string {
  const value = env[name]?.trim();
  if (!value) throw new InvalidInputError(`${name}: must be set when ${MODEL_ENV.model}=${kind} (${example})`);
  return value;
}
