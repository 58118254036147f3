/**
 * The JSON Schema a provider is asked to fill, generated from the request's zod schema. Bedrock
 * tool input and OpenAI strict json_schema both need an object at the root; a schema that is not
 * one (a discriminated union, say) is wrapped as `{ answer: ... }` and unwrapped on the way back.
 * The answer is validated with zod again either way: JSON Schema cannot say "weights sum to 100".
 */
import * as z from 'zod';

type JsonSchema = Record<string, unknown>;

export interface StructuredSchema {
  /** Tool / json_schema name: the purpose, restricted to the characters providers accept. */
  name: string;
  /** The schema as zod generates it, for reading limits such as maxLength. */
  schema: JsonSchema;
  /** What the provider is sent: `schema`, or `schema` wrapped in an object. */
  providerSchema: JsonSchema;
  wrapped: boolean;
}

const cache = new WeakMap<z.ZodType, JsonSchema>();

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  let generated = cache.get(schema);
  if (!generated) {
    // Output shapes, and no $schema keyword: some providers reject keywords they do not know.
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
      io: 'output',
      unrepresentable: 'any',
    }) as JsonSchema;
    generated = rest;
    cache.set(schema, generated);
  }
  return generated;
}

export function structuredSchema(schema: z.ZodType, purpose: string): StructuredSchema {
  const generated = jsonSchemaOf(schema);
  const wrapped = generated.type !== 'object';
  return {
    name: purpose.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'answer',
    schema: generated,
    providerSchema: wrapped
      ? { type: 'object', properties: { answer: generated }, required: ['answer'], additionalProperties: false }
      : generated,
    wrapped,
  };
}

export function unwrapAnswer(value: unknown, structured: StructuredSchema): unknown {
  if (!structured.wrapped) return value;
  return typeof value === 'object' && value !== null && 'answer' in value
    ? (value as { answer: unknown }).answer
    : value;
}

/** By shape as well as class: an adapter bundled with its own copy of zod throws a foreign ZodError. */
export function isZodError(error: unknown): error is z.ZodError {
  return (
    error instanceof z.ZodError ||
    (error instanceof Error && error.name === 'ZodError' && Array.isArray((error as { issues?: unknown }).issues))
  );
}

/** `path.to.field: message; ...`, the form a model can act on in its second attempt. */
export function describeIssues(error: {
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>;
}): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : 'answer'}: ${issue.message}`)
    .join('; ');
}
