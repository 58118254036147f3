// A specialist's worker thread (worker-handler.ts starts it). Plain JS, so it starts the same
// under node, tsx and vitest: it registers tsx, then loads the TypeScript worker module.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { serveService } = await import('./service-worker.ts');
serveService(parentPort, workerData);
