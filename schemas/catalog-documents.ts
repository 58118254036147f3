/**
 * The event catalog as documents for other teams, generated from events/catalog.ts and the
 * service registry: an AsyncAPI 3.0 document (schemas/asyncapi.json) and a readable page
 * (docs/events.md). Who publishes an event comes from the services' `publishes` declarations
 * (and the catalog's sources no service owns, such as the CLI); who consumes it, from the bus
 * rules that match its detail-type, and for the deadline, the service that receives it.
 */
import * as z from 'zod';
import { catalog, DETAIL_TYPES, type DetailType, EVENT_BUS_NAME, OPEN_DETAIL_TYPES } from '#events/catalog.ts';
import { EventEnvelope } from '#events/envelope.ts';
import { allRules, deadlineReceiver, SERVICE_NAMES, SERVICES } from '#infra/topology.ts';
import { SERVICE_REGISTRY } from '#services/index.ts';

const GENERATED_NOTE = 'Generated from events/catalog.ts by `npm run schemas`; do not edit by hand.';

export interface EventParties {
  /** Alex's services (or tools) that publish it, by source. */
  publishers: Array<{ source: string; service?: string }>;
  /** Whether systems outside Alex may publish it too. */
  openToOutside: boolean;
  /** Bus rules that deliver it, and the service reading each rule's queue. */
  subscribers: Array<{ rule: string; service: string; queue: string }>;
}

function ruleDetailTypes(pattern: Record<string, unknown>): string[] {
  const value = pattern['detail-type'];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function partiesOf(detailType: DetailType): EventParties {
  const definition = catalog[detailType];
  const declared = SERVICE_REGISTRY.filter(({ service }) =>
    (service.publishes as readonly string[]).includes(detailType),
  );
  const ownedSources = new Set(SERVICE_REGISTRY.map(({ service }) => service.source));
  const publishers = [
    ...declared.map(({ service }) => ({ source: service.source, service: service.name as string })),
    ...definition.sources.filter((source) => !ownedSources.has(source)).map((source) => ({ source })),
  ];
  const subscribers = allRules()
    .filter((rule) => ruleDetailTypes(rule.pattern).includes(detailType))
    .map((rule) => {
      const consumer = SERVICE_NAMES.find((name) =>
        (SERVICES[name].consumes as readonly string[]).includes(rule.target),
      );
      return {
        rule: rule.name,
        service: consumer ?? rule.target,
        queue: rule.target === 'jobs' ? 'alex-jobs' : SERVICES[rule.target].queue.name,
      };
    });
  if (detailType === 'AnalysisDeadlineReached') {
    const receiver = deadlineReceiver();
    subscribers.push({ rule: '(delayed message, not a bus rule)', service: receiver.name, queue: receiver.queue.name });
  }
  return { publishers, openToOutside: definition.openToOutside === true, subscribers };
}

/** The envelope a consumer receives, as JSON Schema draft-07 (the AsyncAPI Schema format is a superset). */
function payloadSchema(detailType: DetailType): Record<string, unknown> {
  const envelope = EventEnvelope.extend({ 'detail-type': z.literal(detailType), detail: catalog[detailType].detail });
  const { $schema: _schema, ...schema } = z.toJSONSchema(envelope, { target: 'draft-07', io: 'input' });
  return schema;
}

export function exampleEnvelope(detailType: DetailType, source?: string): Record<string, unknown> {
  const definition = catalog[detailType];
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': detailType,
    source: source ?? definition.sources[0],
    account: '123456789012',
    time: '2026-11-21T09:30:00Z',
    region: 'us-east-1',
    resources: [],
    detail: definition.example,
  };
}

export function generateAsyncApi(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const detailType of DETAIL_TYPES) {
    const definition = catalog[detailType];
    const parties = partiesOf(detailType);
    messages[detailType] = {
      name: detailType,
      title: detailType,
      summary: definition.description,
      contentType: 'application/json',
      payload: payloadSchema(detailType),
      examples: [{ name: 'example', payload: exampleEnvelope(detailType) }],
      'x-alex': { version: definition.version, sources: definition.sources, ...parties },
    };
    channelMessages[detailType] = { $ref: `#/components/messages/${detailType}` };
    const message = [{ $ref: `#/channels/bus/messages/${detailType}` }];
    operations[`send${detailType}`] = {
      action: 'send',
      channel: { $ref: '#/channels/bus' },
      summary: `Publish ${detailType} (${parties.openToOutside ? 'open to other systems' : "Alex's services only"}).`,
      messages: message,
    };
    if (parties.subscribers.length > 0) {
      operations[`receive${detailType}`] = {
        action: 'receive',
        channel: { $ref: '#/channels/bus' },
        summary: `Consumed by ${[...new Set(parties.subscribers.map((s) => s.service))].join(', ')}.`,
        messages: message,
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Alex events',
      version: `${Math.max(...DETAIL_TYPES.map((type) => catalog[type].version))}.0.0`,
      description:
        `${GENERATED_NOTE} Events on the EventBridge bus ${EVENT_BUS_NAME}. Other systems may publish ` +
        `${OPEN_DETAIL_TYPES.join(' and ')} under a source of their own; every other detail-type is Alex's own.`,
    },
    defaultContentType: 'application/json',
    servers: {
      aws: {
        host: 'events.us-east-1.amazonaws.com',
        protocol: 'https',
        description: 'Amazon EventBridge PutEvents (AWS JSON 1.1), in the region Alex is deployed to.',
      },
      local: {
        host: '127.0.0.1:4510',
        protocol: 'http',
        description:
          "The local runtime's AWS-compatible endpoint (`alex endpoints`; `alex credentials` prints the keys).",
      },
    },
    channels: {
      bus: {
        address: EVENT_BUS_NAME,
        title: 'The Alex event bus',
        description: 'Every Alex event travels here, in the EventBridge envelope, and is archived.',
        messages: channelMessages,
      },
    },
    operations,
    components: { messages },
  };
}

export function generateEventsMarkdown(): string {
  const lines = [
    '# Alex events',
    '',
    `<!-- ${GENERATED_NOTE} -->`,
    '',
    `Every event travels on the EventBridge bus \`${EVENT_BUS_NAME}\` in the EventBridge envelope, and is`,
    'archived. Other systems may publish ' +
      OPEN_DETAIL_TYPES.map((type) => `\`${type}\``).join(' and ') +
      ' under a source of their own (not `alex.*`);',
    'the bus refuses every other detail-type from them (`NotAuthorizedForDetailTypeException`), on AWS',
    'through the bus policy and locally per key. The machine-readable catalog is',
    '[`schemas/asyncapi.json`](../schemas/asyncapi.json) (AsyncAPI 3.0); the JSON Schema of each event is in',
    '[`schemas/events/`](../schemas/events/).',
    '',
    'Send an event locally: `alex endpoints`, then `eval "$(alex credentials)"`, then the `aws` command',
    'shown for it (the same command works against AWS without `--endpoint-url`).',
    '',
    ...table(
      ['event', 'version', 'published by', 'consumed by'],
      DETAIL_TYPES.map((detailType) => {
        const parties = partiesOf(detailType);
        return [
          `[${detailType}](#${detailType.toLowerCase()})`,
          String(catalog[detailType].version),
          publishersText(parties),
          subscribersText(parties),
        ];
      }),
    ),
  ];
  for (const detailType of DETAIL_TYPES) lines.push('', ...eventSection(detailType));
  return `${lines.join('\n')}\n`;
}

function publishersText(parties: EventParties): string {
  const own = parties.publishers
    .map((p) => (p.service ? `${p.service} (\`${p.source}\`)` : `\`${p.source}\``))
    .join(', ');
  return parties.openToOutside ? `${own}; other systems` : own;
}

function subscribersText(parties: EventParties): string {
  if (parties.subscribers.length === 0) return 'no rule in Alex (other systems subscribe with rules of their own)';
  return [...new Set(parties.subscribers.map((s) => s.service))].join(', ');
}

function eventSection(detailType: DetailType): string[] {
  const definition = catalog[detailType];
  const parties = partiesOf(detailType);
  const detailSchema = z.toJSONSchema(definition.detail, { target: 'draft-2020-12', io: 'input' }) as {
    properties?: Record<string, { type?: string; description?: string }>;
    required?: string[];
  };
  const fields = Object.entries(detailSchema.properties ?? {});
  const source = parties.openToOutside ? 'com.example.crm' : definition.sources[0]!;
  const entries = [
    {
      Source: source,
      DetailType: detailType,
      EventBusName: EVENT_BUS_NAME,
      Detail: JSON.stringify(definition.example),
    },
  ];
  return [
    `## ${detailType}`,
    '',
    definition.description,
    '',
    `- **Version** ${definition.version}; schema [\`schemas/events/${detailType}.json\`](../schemas/events/${detailType}.json)`,
    `- **Published by** ${publishersText(parties)}${parties.openToOutside ? '' : ' — internal: other systems are refused'}`,
    `- **Consumed by** ${
      parties.subscribers.length === 0
        ? 'no bus rule'
        : parties.subscribers.map((s) => `${s.service} (rule \`${s.rule}\` → queue \`${s.queue}\`)`).join('; ')
    }`,
    '',
    ...(fields.length > 0
      ? [
          ...table(
            ['detail field', 'type', 'required', 'meaning'],
            fields.map(([name, field]) => [
              `\`${name}\``,
              field.type ?? 'see schema',
              detailSchema.required?.includes(name) ? 'yes' : 'no',
              (field.description ?? '').replace(/\|/g, '\\|'),
            ]),
          ),
          '',
        ]
      : ['The detail combines several shapes; see the schema file.', '']),
    'Example (the envelope a consumer receives):',
    '',
    '```json',
    JSON.stringify(exampleEnvelope(detailType), null, 2),
    '```',
    '',
    parties.openToOutside ? 'Send it with the AWS CLI:' : 'How Alex sends it (an outside key is refused):',
    '',
    '```sh',
    `aws --endpoint-url "$AWS_ENDPOINT_URL" events put-events --entries '${JSON.stringify(entries).replace(/'/g, `'\\''`)}'`,
    '```',
  ];
}

/** A markdown table with its columns padded, as the formatter leaves it. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) => Math.max(cell.length, 3, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}
