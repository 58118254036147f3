import { describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { InvalidInputError } from '#events/errors.ts';
import { EventArchive } from '#infra/local/archive.ts';
import { LocalBus, LocalBusPublisher } from '#infra/local/bus.ts';
import { InvalidEventPatternError } from '#infra/local/event-pattern.ts';
import { allRules } from '#infra/topology.ts';

function busWithTopology() {
  const archive = new EventArchive(undefined);
  const bus = new LocalBus({ name: 'alex-bus', account: '000000000000', region: 'us-east-1', archive });
  const delivered = new Map<string, string[]>();
  for (const rule of allRules()) {
    bus.addRule(rule.name, rule.pattern, (json) =>
      delivered.set(rule.target, [...(delivered.get(rule.target) ?? []), json]),
    );
  }
  return { bus, archive, delivered, publisher: new LocalBusPublisher(bus) };
}

describe('LocalBus with the topology rules', () => {
  it('routes AnalysisPlanned to the specialists whose task it asks for, and to the aggregator', async () => {
    const { delivered, publisher } = busWithTopology();
    await publisher.publish([
      {
        detailType: 'AnalysisPlanned',
        source: 'alex.planner',
        detail: { ...catalog.AnalysisPlanned.example, tasks: ['charts', 'retirement'] },
      },
    ]);
    expect([...delivered.keys()].sort()).toEqual(['aggregator', 'charter', 'retirement']);
    const envelope = JSON.parse(delivered.get('charter')![0]!);
    expect(envelope).toMatchObject({
      version: '0',
      'detail-type': 'AnalysisPlanned',
      source: 'alex.planner',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
    });
    expect(envelope.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('takes AnalysisRequested from any source into the jobs queue, but InstrumentsClassified only from the tagger', () => {
    const { bus, delivered } = busWithTopology();
    bus.put([
      { detailType: 'AnalysisRequested', source: 'partner.crm', detail: '{}', resources: [], time: new Date() },
    ]);
    bus.put([
      { detailType: 'InstrumentsClassified', source: 'partner.crm', detail: '{}', resources: [], time: new Date() },
    ]);
    expect([...delivered.keys()]).toEqual(['jobs']);
  });

  it('archives every event once, and not the replayed copies', () => {
    const { bus, archive, delivered } = busWithTopology();
    const [envelope] = bus.put([
      { detailType: 'AnalysisRequested', source: 'partner.crm', detail: '{"a":1}', resources: [], time: new Date() },
    ]);
    bus.putEnvelope(envelope!, { replayName: 'r1' });
    expect(archive.read()).toHaveLength(1);
    expect(delivered.get('jobs')).toHaveLength(2);
    expect(JSON.parse(delivered.get('jobs')![1]!)['replay-name']).toBe('r1');
  });

  it('validates details before publishing, and refuses invalid rule patterns', async () => {
    const { publisher, bus, archive } = busWithTopology();
    await expect(
      publisher.publish([{ detailType: 'AnalysisRequested', source: 'alex.cli', detail: { version: 1 } as never }]),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(archive.read()).toHaveLength(0);
    expect(() => bus.addRule('bad', { detail: { tasks: 'charts' } }, () => undefined)).toThrow(
      InvalidEventPatternError,
    );
  });
});
