/** What every loopback server in test/support shares: a free port on 127.0.0.1, a clean close. */
import type { Server } from 'node:http';
import type { Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';

/** A scripted HTTP answer. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** Listens on a free loopback port; resolves with the base URL. */
export async function listen(server: Server | Http2Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server, dropping kept-alive connections so the close does not wait on them. */
export async function shutDown(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** Settings for a real AWS SDK client that talks to a loopback server, with fake credentials. */
export function loopbackClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
  };
}
