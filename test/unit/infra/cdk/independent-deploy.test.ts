import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAMES } from '#infra/cdk/names.ts';
import { SERVICE_NAMES } from '#infra/topology.ts';
import { synthesize } from './synth.ts';

const STACKS = [STACK_NAMES.core, ...SERVICE_NAMES.map(STACK_NAMES.service), STACK_NAMES.monitoring];

describe('independent deploys', () => {
  let before: Record<string, string>;
  let after: Record<string, string>;
  let withExtras: Record<string, string>;

  beforeAll(() => {
    // The second synth reuses the first one's bundles (aws-cdk-lib caches staged assets per process).
    const base = synthesize();
    before = Object.fromEntries(STACKS.map((name) => [name, JSON.stringify(base.template(name))]));
    const changed = synthesize({ functions: { charter: { memoryMb: 1024 } } });
    after = Object.fromEntries(STACKS.map((name) => [name, JSON.stringify(changed.template(name))]));
    const extras = synthesize({ budget: 100, guardduty: true, vpc: true, waf: true });
    withExtras = Object.fromEntries(STACKS.map((name) => [name, JSON.stringify(extras.template(name))]));
  }, 180_000);

  it('changing one service changes only that service stack', () => {
    expect(STACKS.filter((name) => before[name] !== after[name])).toEqual([STACK_NAMES.service('charter')]);
    expect(after[STACK_NAMES.service('charter')]).toContain('"MemorySize":1024');
    expect(before[STACK_NAMES.service('charter')]).toContain('"MemorySize":256');
  });

  it('turning the extras on changes no existing stack but the service stacks, which private networking must', () => {
    // Budget, GuardDuty and WAF are stacks of their own; vpc=true puts each service function in the subnets.
    expect(STACKS.filter((name) => before[name] !== withExtras[name])).toEqual(SERVICE_NAMES.map(STACK_NAMES.service));
  });
});
