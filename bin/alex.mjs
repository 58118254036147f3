#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so `npx alex` works straight after `npm ci`.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { register } from 'tsx/esm/api';

register();
const { main } = await import('#infra/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
