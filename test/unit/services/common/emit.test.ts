import { describe, expect, it } from 'vitest';
import { tagger } from '#services/tagger/service.ts';
import { testServiceContext } from '#test/support/lambda.ts';

const JOB = '3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10';

describe('ctx.emit', () => {
  it("stamps the service's declared source and the catalog's version on the detail", async () => {
    const { ctx, recorded } = testServiceContext(tagger);
    await ctx.emit('InstrumentsClassified', { jobId: JOB, instruments: [{ symbol: 'VTI', source: 'reference' }] });
    expect(recorded.published).toEqual([
      {
        detailType: 'InstrumentsClassified',
        source: 'alex.tagger',
        detail: { version: 1, jobId: JOB, instruments: [{ symbol: 'VTI', source: 'reference' }] },
      },
    ]);
  });

  it('refuses a detail-type the service does not declare, naming where to declare it, and publishes nothing', async () => {
    const { ctx, recorded } = testServiceContext(tagger);
    await expect(
      ctx.emit('AnalysisFailed', { jobId: JOB, userId: 'u', reason: 'r', failedTasks: [], failedAt: '' }),
    ).rejects.toThrow(
      'tagger does not declare that it publishes AnalysisFailed; add it to publishes in services/tagger/service.ts',
    );
    expect(recorded.published).toEqual([]);
  });
});
