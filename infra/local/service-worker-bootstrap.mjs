// A specialist's worker thread from source (worker-handler.ts starts it). Plain JS, so it starts
// the same under node, tsx and vitest: it registers tsx, then loads the TypeScript entry. The
// build compiles that entry to dist/cli/service-worker-bootstrap.mjs, which needs no loader.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./service-worker-entry.ts');
