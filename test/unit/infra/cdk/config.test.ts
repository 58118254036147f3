import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { configFromContext, DEFAULT_CONFIG, functionSettings, resolveConfig } from '#infra/cdk/config.ts';

describe('deployment config', () => {
  it('defaults to no scheduled re-analysis and no extra publishers', () => {
    expect(resolveConfig()).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.scheduledReanalysis.enabled).toBe(false);
  });

  it('merges objects from context one level deep, and parses -c strings as JSON where the field is not a string', () => {
    const config = configFromContext(
      (key) =>
        ({ region: 'us-east-1', model: 'offline', aurora: '{"maxCapacity":8}', archiveRetentionDays: '90' })[key],
    );
    expect(config.model).toBe('offline');
    expect(config.region).toBe('us-east-1');
    expect(config.aurora).toEqual({ minCapacity: 0, maxCapacity: 8, databaseName: 'alex' });
    expect(config.archiveRetentionDays).toBe(90);
  });

  it('lets a function override win over the topology, field by field', () => {
    const config = resolveConfig({ functions: { charter: { memoryMb: 1024 } } });
    expect(functionSettings(config, 256, 30, 'charter')).toEqual({
      memoryMb: 1024,
      timeoutSeconds: 30,
      reservedConcurrency: undefined,
    });
    expect(functionSettings(config, 512, 60, 'planner')).toEqual({
      memoryMb: 512,
      timeoutSeconds: 60,
      reservedConcurrency: undefined,
    });
  });

  it('names the offending field and why', () => {
    expect(() => resolveConfig({ aurora: { minCapacity: 4, maxCapacity: 2 } })).toThrow(
      /CDK config\.aurora\.minCapacity: minCapacity must not exceed maxCapacity/,
    );
    expect(() => resolveConfig({ allowedPublisherAccounts: ['12345'] })).toThrow(InvalidInputError);
    expect(() => resolveConfig({ allowedPublisherAccounts: ['12345'] })).toThrow(
      /allowedPublisherAccounts\[0\]: must be a 12-digit AWS account id/,
    );
    expect(() => resolveConfig({ functions: { printer: { memoryMb: 512 } } })).toThrow(/CDK config\.functions/);
    expect(() => configFromContext((key) => (key === 'aurora' ? '{not json' : undefined))).toThrow(
      /CDK config\.aurora: .*expected object/i,
    );
  });

  it('keeps every enterprise extra off by default, and reads -c budget=100 guardduty=existing vpc=true waf=true', () => {
    expect(resolveConfig()).toMatchObject({ guardduty: false, vpc: false, waf: false });
    expect(resolveConfig().budget).toBeUndefined();
    const config = configFromContext(
      (key) => ({ budget: '100', guardduty: 'existing', vpc: 'true', waf: 'true', wafRateLimit: '500' })[key],
    );
    expect(config).toMatchObject({ budget: 100, guardduty: 'existing', vpc: true, waf: true, wafRateLimit: 500 });
    expect(configFromContext((key) => (key === 'guardduty' ? 'true' : undefined)).guardduty).toBe(true);
  });

  it('refuses extras it cannot honour, saying which field and what to do', () => {
    expect(() => resolveConfig({ budget: '0' })).toThrow(/CDK config\.budget: .*>0/);
    expect(() => resolveConfig({ guardduty: 'maybe' })).toThrow(/CDK config\.guardduty/);
    expect(() => resolveConfig({ wafRateLimit: 5 })).toThrow(/CDK config\.wafRateLimit/);
    // Private subnets have no route to the internet, and Polygon.io is on it.
    expect(() => resolveConfig({ vpc: true, prices: 'polygon' })).toThrow(
      /CDK config\.vpc: .*cannot reach Polygon\.io: set prices to local, or vpc to false/,
    );
  });
});
