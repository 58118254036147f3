/** Synthesizes the whole app into a temporary folder, as `cdk synth` would (bundling included). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { type AlexApp, type BuildOptions, buildApp } from '#infra/cdk/build-app.ts';
import { type AlexConfig, resolveConfig } from '#infra/cdk/config.ts';

export interface Synthesized extends AlexApp {
  assembly: CloudAssembly;
  template(stackName: string): Record<string, any>;
}

// Each synth writes several MB of assets; remove them when the test process ends.
const outDirs: string[] = [];
process.once('exit', () => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

export function synthesize(
  overrides: Parameters<typeof resolveConfig>[0] = {},
  options: Omit<BuildOptions, 'appProps'> = {},
): Synthesized & { config: AlexConfig } {
  const config = resolveConfig(overrides);
  const outdir = mkdtempSync(join(tmpdir(), 'alex-cdk-'));
  outDirs.push(outdir);
  const built = buildApp(config, { ...options, appProps: { outdir } });
  const assembly = built.app.synth();
  return { ...built, config, assembly, template: (name) => assembly.getStackByName(name).template };
}
