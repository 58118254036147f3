import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { BedrockModel } from '#services/common/model/bedrock.ts';
import { modelFromEnv } from '#services/common/model/from-env.ts';
import { GuardedModel } from '#services/common/model/guard.ts';
import { OfflineModel } from '#services/common/model/offline.ts';
import { OpenAiModel } from '#services/common/model/openai.ts';

describe('modelFromEnv', () => {
  it('is the offline model, guarded, when ALEX_MODEL is unset or blank', () => {
    for (const env of [{}, { ALEX_MODEL: '' }, { ALEX_MODEL: ' Offline ' }]) {
      const model = modelFromEnv(env);
      expect(model).toBeInstanceOf(GuardedModel);
      expect(model.inner).toBeInstanceOf(OfflineModel);
    }
  });

  it('builds Bedrock from ALEX_BEDROCK_MODEL_ID, and OpenAI from its base URL and model', () => {
    const bedrock = modelFromEnv({
      ALEX_MODEL: 'bedrock',
      ALEX_BEDROCK_MODEL_ID: 'amazon.nova-lite-v1:0',
      AWS_REGION: 'eu-west-1',
    });
    expect(bedrock.inner).toBeInstanceOf(BedrockModel);
    expect(bedrock.name).toBe('bedrock:amazon.nova-lite-v1:0');
    const openai = modelFromEnv({
      ALEX_MODEL: 'openai',
      ALEX_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      ALEX_OPENAI_MODEL: 'llama3.1',
    });
    expect(openai.inner).toBeInstanceOf(OpenAiModel);
    expect(openai.name).toBe('openai:llama3.1');
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ ALEX_MODEL: 'gpt' }, /^ALEX_MODEL: "gpt" is not a model; use one of offline, bedrock, openai$/],
    [{ ALEX_MODEL: 'bedrock' }, /^ALEX_BEDROCK_MODEL_ID: must be set when ALEX_MODEL=bedrock/],
    [{ ALEX_MODEL: 'openai', ALEX_OPENAI_MODEL: 'x' }, /^ALEX_OPENAI_BASE_URL: must be set when ALEX_MODEL=openai/],
    [
      { ALEX_MODEL: 'openai', ALEX_OPENAI_BASE_URL: 'localhost:11434', ALEX_OPENAI_MODEL: 'x' },
      /^ALEX_OPENAI_BASE_URL: "localhost:11434" is not an http\(s\) URL/,
    ],
    [
      { ALEX_MODEL: 'openai', ALEX_OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' },
      /^ALEX_OPENAI_MODEL: must be set when ALEX_MODEL=openai/,
    ],
  ])('refuses %j, naming the setting', (env, message) => {
    expect(() => modelFromEnv(env)).toThrow(InvalidInputError);
    expect(() => modelFromEnv(env)).toThrow(message);
  });
});
