/**
 * What every Lambda bundle leaves out, shared by the CDK stacks and the benchmark so both
 * measure the same thing. `bowser` parses browser user agents: the AWS SDK loads it with a
 * dynamic import() only in browsers, so in Lambda it is dead weight (33 KB minified).
 */
export const BUNDLE_EXTERNALS: readonly string[] = ['bowser'];

/** Prefer the ES module builds: they tree-shake far better (the SDK's CommonJS builds do not). */
export const BUNDLE_MAIN_FIELDS: readonly string[] = ['module', 'main'];

/** The deployed runtime (nodejs24.x, see infra/cdk/constructs/bundled-function.ts). */
export const BUNDLE_TARGET = 'node24';
