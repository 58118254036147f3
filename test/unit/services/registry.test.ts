/** The registry's declarations agree with the catalog and with each other. */
import { describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { SERVICE_REGISTRY } from '#services/index.ts';

describe('the service registry', () => {
  it.each(SERVICE_REGISTRY.map(({ service }) => [service.name, service] as const))(
    '%s publishes only detail-types the catalog lists its source for',
    (_, service) => {
      for (const detailType of service.publishes) expect(catalog[detailType].sources).toContain(service.source);
    },
  );

  it('gives every service its own name, source, queue and rule names', () => {
    const services = SERVICE_REGISTRY.map(({ service }) => service);
    const rules = services.flatMap((service) => service.rules.map((rule) => rule.name));
    expect(new Set(services.map((s) => s.name)).size).toBe(services.length);
    expect(new Set(services.map((s) => s.source)).size).toBe(services.length);
    expect(new Set(rules).size).toBe(rules.length);
  });

  it('has exactly one service whose queue takes the deadlines, and it is the aggregator', () => {
    expect(
      SERVICE_REGISTRY.filter(({ service }) => service.receivesDeadlines).map(({ service }) => service.name),
    ).toEqual(['aggregator']);
  });
});
