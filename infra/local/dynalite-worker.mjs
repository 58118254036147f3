// dynalite in a worker thread: the local DynamoDB then works on its own core while the services
// run on the main thread, as a real DynamoDB would work beside Lambda. Plain JS: no loader needed.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'close') server.close(() => parentPort.postMessage({ closed: true }));
});
