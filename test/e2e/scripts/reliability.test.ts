/**
 * The reliability run at a small size: with every fault on, nothing is lost, nothing is
 * written twice, the model is called exactly as often as the work needs, and replaying the
 * whole archive changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS, runReliability } from '#scripts/reliability/run.ts';

describe('npm run reliability', () => {
  it('loses nothing and does nothing twice under duplicates, disorder, crashes, silence and throttling', async () => {
    const report = await runReliability({
      jobs: 24,
      seed: 7,
      faults: { ...DEFAULT_FAULTS, silentRate: 0.1 },
      deadlineSeconds: 3,
    });
    expect(report.submitted).toBe(24);
    expect(report.completed + report.partial + report.failed).toBe(24);
    expect(report.lost).toBe(0);
    expect(report.duplicateWrites).toBe(0);
    expect(report.duplicateAnnouncements).toBe(0);
    expect(report.modelCalls).toBe(report.expectedModelCalls);
    expect(report.replay.replayed).toBeGreaterThanOrEqual(24 * 4);
    expect(report.replay).toMatchObject({ newWrites: 0, modelCalls: 0, newAnnouncements: 0 });
    for (const entry of report.dlq) expect(entry.reason).toMatch(/injected fault|ThrottlingException/);
  }, 120_000);
});
