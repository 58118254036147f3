/**
 * The process tier's one fault switch, read by every runtime command (infra/cli/cli-kit.ts): kept
 * apart from faults.ts so a command's start-up loads nothing for it. Unset for every user.
 */
import type { RelayStage } from '#services/common/outbox.ts';

export const KILL_AT_ENV = 'ALEX_FAULT_KILL_AT';

/** `{ killAt }` from ALEX_FAULT_KILL_AT (`committed` or `published`), or nothing when unset. */
export function killAtFromEnv(env: NodeJS.ProcessEnv): { faults: { killAt: RelayStage } } | Record<string, never> {
  const stage = env[KILL_AT_ENV];
  if (stage === undefined || stage === '') return {};
  if (stage !== 'committed' && stage !== 'published')
    throw new Error(`${KILL_AT_ENV}: must be committed or published (got "${stage}")`);
  return { faults: { killAt: stage } };
}
