/**
 * Who may put what on the bus, on AWS: the same rule as events/provenance.ts locally. Other accounts
 * (configured by id) may put only the open detail-types, and never under an `alex.` source; each
 * service's role may put only the detail-types it declares it publishes, under its own source. Also the EventBridge schema registry: one schema per detail-type, from the catalog.
 */
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import * as z from 'zod';
import { catalog, DETAIL_TYPES, OPEN_DETAIL_TYPES } from '#events/catalog.ts';
import { EventEnvelope } from '#events/envelope.ts';
import { ALEX_SOURCE_PREFIX } from '#events/provenance.ts';

export const SCHEMA_REGISTRY_NAME = 'alex-events';

/** The bus policy statement for publishers in other accounts. */
export function outsidePublishersStatement(busArn: string, accounts: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowedPublishers',
    principals: accounts.map((account) => new iam.AccountPrincipal(account)),
    actions: ['events:PutEvents'],
    resources: [busArn],
    conditions: {
      StringEquals: { 'events:detail-type': [...OPEN_DETAIL_TYPES] },
      StringNotLike: { 'events:source': `${ALEX_SOURCE_PREFIX}*` },
    },
  });
}

/** A service role's PutEvents: its own source, the detail-types it declares it publishes, this bus only. */
export function servicePublishStatement(
  busArn: string,
  source: string,
  detailTypes: readonly string[],
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'PublishOnTheBus',
    actions: ['events:PutEvents'],
    resources: [busArn],
    conditions: {
      StringEquals: { 'events:source': source, 'events:detail-type': [...detailTypes] },
    },
  });
}

/** One registry, one JSON Schema (draft 4, the registry's format) per detail-type. */
export class EventSchemaRegistry extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const registry = new eventschemas.CfnRegistry(this, 'Registry', {
      registryName: SCHEMA_REGISTRY_NAME,
      description: 'Alex events, generated from events/catalog.ts',
    });
    for (const detailType of DETAIL_TYPES) {
      const definition = catalog[detailType];
      const envelope = EventEnvelope.extend({ 'detail-type': z.literal(detailType), detail: definition.detail });
      const content = { ...z.toJSONSchema(envelope, { target: 'draft-4', io: 'input' }), title: detailType };
      const schema = new eventschemas.CfnSchema(this, `Schema-${detailType}`, {
        registryName: SCHEMA_REGISTRY_NAME,
        schemaName: `alex@${detailType}`,
        type: 'JSONSchemaDraft4',
        description: definition.description.slice(0, 256),
        content: JSON.stringify(content),
      });
      schema.addDependency(registry);
    }
  }
}
