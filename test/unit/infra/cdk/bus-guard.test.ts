/**
 * The guarded bus on the synthesized templates: a small evaluator of the policies as written
 * (Allow statements, StringEquals / StringNotLike conditions) answers whether a PutEvents call is
 * allowed, so the test reads what CloudFormation would deploy, not the code that wrote it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAMES } from '#infra/cdk/names.ts';
import { SERVICE_NAMES, SERVICES } from '#infra/topology.ts';
import { type Synthesized, synthesize } from './synth.ts';

const OUTSIDE = '111122223333';
const STRANGER = '444455556666';
const INTERNAL_TYPES = [
  'InstrumentsClassified',
  'AnalysisPlanned',
  'SpecialistCompleted',
  'SpecialistFailed',
  'AnalysisCompleted',
  'AnalysisFailed',
  'AnalysisDeadlineReached',
];

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize({ allowedPublisherAccounts: [OUTSIDE] });
}, 120_000);

type Statement = {
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
interface Call {
  account?: string;
  detailType: string;
  source: string;
}

function like(pattern: string, value: string): boolean {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);
}

function conditionHolds(condition: Statement['Condition'], call: Call): boolean {
  const context: Record<string, string> = { 'events:detail-type': call.detailType, 'events:source': call.source };
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const values = [expected].flat() as string[];
      const actual = context[key];
      if (actual === undefined) throw new Error(`condition key ${key} not modelled`);
      if (operator === 'StringEquals') return values.includes(actual);
      if (operator === 'StringLike') return values.some((v) => like(v, actual));
      if (operator === 'StringNotLike') return !values.some((v) => like(v, actual));
      throw new Error(`condition operator ${operator} not modelled`);
    }),
  );
}

function allows(statements: Statement[], call: Call): boolean {
  const applies = (s: Statement) =>
    [s.Action].flat().some((action) => action === 'events:PutEvents' || action === 'events:*') &&
    (call.account === undefined || JSON.stringify(s.Principal ?? '').includes(call.account)) &&
    conditionHolds(s.Condition, call);
  const matching = statements.filter(applies);
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

function busPolicy(): Statement[] {
  const resources = Object.values(synth.template(STACK_NAMES.core).Resources as Record<string, any>);
  const fromBus = resources
    .filter((r) => r.Type === 'AWS::Events::EventBus')
    .flatMap((r) => r.Properties.Policy?.Statement ?? []);
  const fromPolicies = resources
    .filter((r) => r.Type === 'AWS::Events::EventBusPolicy')
    .flatMap((r) => (r.Properties.Statement ? [r.Properties.Statement] : []));
  return [...fromBus, ...fromPolicies];
}

function servicePolicy(service: string): Statement[] {
  const resources = Object.values(
    synth.template(STACK_NAMES.service(service as never)).Resources as Record<string, any>,
  );
  return resources.filter((r) => r.Type === 'AWS::IAM::Policy').flatMap((r) => r.Properties.PolicyDocument.Statement);
}

describe('the bus policy for publishers in other accounts (context allowedPublisherAccounts)', () => {
  it('lets a configured account put AnalysisRequested and ClassificationRequested under its own source', () => {
    for (const detailType of ['AnalysisRequested', 'ClassificationRequested']) {
      expect(allows(busPolicy(), { account: OUTSIDE, detailType, source: 'com.example.crm' })).toBe(true);
    }
  });

  it('does not let it put any internal detail-type', () => {
    for (const detailType of INTERNAL_TYPES) {
      expect(allows(busPolicy(), { account: OUTSIDE, detailType, source: 'com.example.crm' }), detailType).toBe(false);
      expect(allows(busPolicy(), { account: OUTSIDE, detailType, source: 'alex.aggregator' }), detailType).toBe(false);
    }
  });

  it("does not let it publish under an Alex service's source, nor any other account publish at all", () => {
    expect(allows(busPolicy(), { account: OUTSIDE, detailType: 'AnalysisRequested', source: 'alex.api' })).toBe(false);
    expect(allows(busPolicy(), { account: STRANGER, detailType: 'AnalysisRequested', source: 'com.example' })).toBe(
      false,
    );
  });
});

describe("each service's role", () => {
  it('may put only the detail-types it publishes, under its own source', () => {
    const planner = servicePolicy('planner');
    expect(allows(planner, { detailType: 'AnalysisPlanned', source: 'alex.planner' })).toBe(true);
    expect(allows(planner, { detailType: 'ClassificationRequested', source: 'alex.planner' })).toBe(true);
    expect(allows(planner, { detailType: 'SpecialistCompleted', source: 'alex.planner' })).toBe(false);
    expect(allows(planner, { detailType: 'AnalysisPlanned', source: 'alex.charter' })).toBe(false);
    const charter = servicePolicy('charter');
    expect(allows(charter, { detailType: 'SpecialistCompleted', source: 'alex.charter' })).toBe(true);
    expect(allows(charter, { detailType: 'AnalysisCompleted', source: 'alex.charter' })).toBe(false);
    for (const service of SERVICE_NAMES) {
      expect(
        allows(servicePolicy(service), { detailType: 'AnalysisRequested', source: SERVICES[service].source }),
      ).toBe(false);
    }
  });
});

describe('the EventBridge schema registry', () => {
  it('holds one JSON Schema per detail-type in the core stack', () => {
    const resources = Object.values(synth.template(STACK_NAMES.core).Resources as Record<string, any>);
    expect(resources.filter((r) => r.Type === 'AWS::EventSchemas::Registry')).toHaveLength(1);
    const schemas = resources.filter((r) => r.Type === 'AWS::EventSchemas::Schema').map((r) => r.Properties);
    expect(schemas.map((s) => s.SchemaName).sort()).toEqual(
      ['AnalysisRequested', 'ClassificationRequested', 'DocumentSubmitted', ...INTERNAL_TYPES]
        .map((t) => `alex@${t}`)
        .sort(),
    );
    const requested = JSON.parse(schemas.find((s) => s.SchemaName === 'alex@AnalysisRequested')!.Content);
    expect(requested.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(requested.properties.detail.required).toEqual(['version', 'jobId', 'userId', 'requestedAt']);
    expect(schemas.every((s) => s.Type === 'JSONSchemaDraft4')).toBe(true);
  });
});
