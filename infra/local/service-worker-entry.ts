/**
 * A specialist's worker thread, started by worker-handler.ts. The build compiles this file to
 * dist/cli/service-worker-bootstrap.mjs; from source, service-worker-bootstrap.mjs registers tsx
 * and then loads it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveService } from './service-worker.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (!parentPort) throw new Error('service-worker-entry runs only as a worker thread');
serveService(parentPort, workerData);
