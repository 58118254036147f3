/**
 * `alex doctor`: a home whose database was deleted and whose archive has a damaged line and a
 * torn tail is named as damaged (exit 1), repaired with --repair (job rows rebuilt from the
 * archive), and then readable again.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '#infra/cli/main.ts';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const jobId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const envelope = (detailType: string, detail: object) =>
  JSON.stringify({
    version: '0',
    id: `${detailType}-1`,
    'detail-type': detailType,
    source: detailType === 'AnalysisPlanned' ? 'alex.planner' : 'alex.aggregator',
    account: '000000000000',
    time: '2026-11-21T09:30:01Z',
    region: 'us-east-1',
    resources: [],
    detail: { version: 1, jobId, ...detail },
  });

describe('alex doctor', () => {
  it('names a lost database and a damaged archive, repairs them, and the jobs read again', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'alex-doctor-'));
    const home = join(cwd, 'home');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(home);
    const planned = envelope('AnalysisPlanned', {
      userId: 'household-42',
      tasks: ['charts'],
      requestedAt: '2026-11-21T09:30:00.000Z',
      plannedAt: '2026-11-21T09:30:01.000Z',
      deadline: '2026-11-21T09:35:01.000Z',
    });
    const completed = envelope('AnalysisCompleted', {
      userId: 'household-42',
      status: 'partial',
      completedAt: '2026-11-21T09:30:03.000Z',
    });
    writeFileSync(join(home, 'archive.jsonl'), `${planned}\nnot json at all\n${completed}\n{"torn":`);

    const before = await run(['jobs', 'list', '--home', home], cwd);
    expect(before.code).toBe(1);
    expect(before.err).toMatch(/postgres: is missing, but .*archive\.jsonl holds the events of earlier jobs; restore/);

    const check = await run(['doctor', '--home', home], cwd);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/DAMAGED\s+\S+archive\.jsonl: damaged line\(s\) 2; a torn last event \(8 bytes\)/);
    expect(check.out).toMatch(/DAMAGED\s+\S+postgres: missing, while the archive holds 1 jobs/);

    const repair = await run(['doctor', '--repair', '--home', home], cwd);
    expect(repair.code, repair.out + repair.err).toBe(0);
    expect(readFileSync(join(home, 'archive.damaged.jsonl'), 'utf8')).toBe('not json at all\n');
    expect(readFileSync(join(home, 'archive.jsonl'), 'utf8')).toBe(`${planned}\n${completed}\n`);
    expect(existsSync(join(home, 'postgres', 'PG_VERSION'))).toBe(true);

    const after = await run(['jobs', 'list', '--json', '--home', home], cwd);
    expect(after.code, after.err).toBe(0);
    expect(JSON.parse(after.out)).toEqual([
      expect.objectContaining({ jobId, status: 'partial', userId: 'household-42' }),
    ]);
    expect((await run(['doctor', '--home', home], cwd)).code).toBe(0);
  });
});
