/** Polygon prices are opt-in: only then does the planner get the key's secret, and nothing else does. */
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '#infra/cdk/config.ts';
import { STACK_NAMES } from '#infra/cdk/names.ts';
import { type Synthesized, synthesize } from './synth.ts';

function plannerEnvironment(app: Synthesized): Record<string, unknown> {
  const functions = Object.values(app.template(STACK_NAMES.service('planner')).Resources as Record<string, any>).filter(
    (r) => r.Type === 'AWS::Lambda::Function',
  );
  return functions.find((f) => f.Properties.Environment?.Variables?.ALEX_EVENT_BUS_NAME)!.Properties.Environment
    .Variables;
}
function statementIds(app: Synthesized, stack: string): string[] {
  return Object.values(app.template(stack).Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) => p.Properties.PolicyDocument.Statement.map((s: { Sid?: string }) => s.Sid));
}

describe('market prices on AWS', () => {
  let polygon: Synthesized;
  beforeAll(() => {
    polygon = synthesize({ prices: 'polygon' });
  }, 120_000);

  it('is off by default: a deploy must not call Polygon before its key is set', () => {
    expect(resolveConfig().prices).toBe('local');
  });

  it('gives only the planner the Polygon key, and only when prices are set to polygon', () => {
    const env = plannerEnvironment(polygon);
    expect(env.ALEX_PRICES).toBe('polygon');
    expect(env.ALEX_POLYGON_SECRET_ID).toBeDefined();
    expect(statementIds(polygon, STACK_NAMES.service('planner'))).toContain('PolygonApiKey');
    for (const stack of (['tagger', 'reporter', 'aggregator'] as const).map(STACK_NAMES.service)) {
      expect(statementIds(polygon, stack)).not.toContain('PolygonApiKey');
    }
  });
});
