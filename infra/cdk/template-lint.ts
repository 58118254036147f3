/**
 * A CloudFormation template linter from the registry schemas that @aws-cdk/aws-service-spec ships
 * (the same source aws-cdk-lib's L1 classes are generated from): each resource type must exist,
 * and its Properties must match the type's schema (known properties only, required ones present,
 * right shapes), with any value allowed to be an intrinsic function. The npm `cfn-lint` packages
 * are years out of date, so they would reject resource types and properties CDK emits today.
 */
import { createRequire } from 'node:module';
import type { Property, PropertyType, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';

const require = createRequire(import.meta.url);

type JsonSchema = Record<string, unknown>;

export interface TemplateProblem {
  logicalId: string;
  type: string;
  message: string;
}

interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** `{ "Ref": ... }`, `{ "Fn::GetAtt": ... }` and the other intrinsics: resolved at deploy time. */
const INTRINSIC: JsonSchema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  patternProperties: { '^(Ref|Condition|Fn::[A-Za-z]+)$': {} },
  additionalProperties: false,
};

export class TemplateLinter {
  private readonly db: SpecDatabase;
  private readonly validators = new Map<string, (properties: unknown) => string[]>();
  private readonly ajv: import('ajv').default;

  constructor() {
    this.db = (
      require('@aws-cdk/aws-service-spec') as { loadAwsServiceSpecSync(): SpecDatabase }
    ).loadAwsServiceSpecSync();
    const Ajv = require('ajv') as typeof import('ajv').default;
    this.ajv = new Ajv({ allErrors: true, strict: false });
  }

  lint(template: Template): TemplateProblem[] {
    const problems: TemplateProblem[] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      // Custom resources have free-form properties by design; CDK metadata is not deployed as a resource.
      if (
        resource.Type.startsWith('Custom::') ||
        resource.Type === 'AWS::CloudFormation::CustomResource' ||
        resource.Type === 'AWS::CDK::Metadata'
      )
        continue;
      const validate = this.validatorFor(resource.Type);
      if (!validate) {
        problems.push({ logicalId, type: resource.Type, message: 'unknown resource type' });
        continue;
      }
      for (const message of validate(resource.Properties ?? {}))
        problems.push({ logicalId, type: resource.Type, message });
    }
    return problems;
  }

  /** The JSON Schema of one resource type's Properties, built from the registry spec. */
  schemaFor(cloudFormationType: string): JsonSchema | undefined {
    const [resource] = this.db.lookup('resource', 'cloudFormationType', 'equals', cloudFormationType);
    if (!resource) return undefined;
    const definitions: Record<string, JsonSchema> = {};
    const root = this.objectSchema(resource.properties, definitions);
    return { ...root, definitions };
  }

  private validatorFor(type: string): ((properties: unknown) => string[]) | undefined {
    const cached = this.validators.get(type);
    if (cached) return cached;
    const schema = this.schemaFor(type);
    if (!schema) return undefined;
    const compiled = this.ajv.compile(schema);
    const validate = (properties: unknown) =>
      compiled(properties)
        ? []
        : (compiled.errors ?? []).map(
            (e) =>
              `Properties${e.instancePath.replace(/\//g, '.')} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`,
          );
    this.validators.set(type, validate);
    return validate;
  }

  private objectSchema(properties: Record<string, Property>, definitions: Record<string, JsonSchema>): JsonSchema {
    return {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, this.valueSchema(property.type, definitions)]),
      ),
      required: Object.entries(properties)
        .filter(([, property]) => property.required)
        .map(([name]) => name),
      additionalProperties: false,
    };
  }

  private valueSchema(type: PropertyType, definitions: Record<string, JsonSchema>): JsonSchema {
    return { anyOf: [this.typeSchema(type, definitions), INTRINSIC] };
  }

  private typeSchema(type: PropertyType, definitions: Record<string, JsonSchema>): JsonSchema {
    switch (type.type) {
      case 'string':
      case 'date-time':
        return { type: 'string' };
      // CloudFormation accepts numbers and booleans written as strings, and CDK sometimes emits them so.
      case 'number':
        return { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }] };
      case 'integer':
        return { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?\\d+$' }] };
      case 'boolean':
        return { anyOf: [{ type: 'boolean' }, { enum: ['true', 'false'] }] };
      case 'json':
        return {};
      case 'null':
        return { type: 'null' };
      case 'tag':
        return {
          type: 'object',
          properties: {
            Key: this.valueSchema({ type: 'string' }, definitions),
            Value: this.valueSchema({ type: 'string' }, definitions),
          },
          required: ['Key', 'Value'],
          additionalProperties: false,
        };
      case 'array':
        return { type: 'array', items: this.valueSchema(type.element, definitions) };
      case 'map':
        return { type: 'object', additionalProperties: this.valueSchema(type.element, definitions) };
      case 'union':
        return { anyOf: type.types.map((member) => this.typeSchema(member, definitions)) };
      case 'ref': {
        const id = type.reference.$ref;
        if (!(id in definitions)) {
          definitions[id] = {}; // placeholder first: definitions may refer to themselves
          const definition = this.db.get('typeDefinition', id) as TypeDefinition;
          definitions[id] = this.objectSchema(definition.properties, definitions);
        }
        return { $ref: `#/definitions/${id}` };
      }
      default:
        return {};
    }
  }
}
