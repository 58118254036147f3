/**
 * `alex serve` as a real process for the process tier: started on a home with port 0 and
 * resolved once it prints its URL (after any recovery it runs first), plus the API calls the
 * kill -9 and one-owner tests make, with a token from the home's local issuer.
 */
import { readFileSync } from 'node:fs';
import { loadOrCreateSigningKey, signLocalToken } from '#infra/api/local-issuer.ts';
import { EXAMPLE_PATH } from '#test/e2e/support.ts';
import { type AlexProcess, spawnAlex } from './alex-process.ts';

export const FINAL_STATUSES = ['completed', 'partial', 'failed'];

export interface ServeProcess extends AlexProcess {
  url: string;
}

const SERVING = /alex: serving (http:\/\/127\.0\.0\.1:\d+) /;

/** Starts `alex serve --port 0 --home <home>`. */
export async function startServe(home: string, timeoutMs = 60_000): Promise<ServeProcess> {
  // The per-user rate limit raised out of the way of the tests' polling (it has its own tests).
  const env = { ALEX_HOME: '', ALEX_API_RATE: '1000', ALEX_API_BURST: '1000' };
  const serve = spawnAlex(['serve', '--port', '0', '--home', home], { env, timeoutMs: 150_000 });
  await serve.waitFor(SERVING, timeoutMs);
  return { ...serve, url: SERVING.exec(serve.output().stdout)![1]! };
}

/** A client of one server for one user: bearer token from the home's own signing key. */
export async function apiClient(url: string, home: string, userId: string) {
  const token = await signLocalToken(await loadOrCreateSigningKey(home), { userId });
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const call = (method: string, path: string, body?: string) => fetch(`${url}${path}`, { method, headers, body });
  return {
    async putExamplePortfolio(): Promise<void> {
      const response = await call('PUT', '/v1/portfolio', readFileSync(EXAMPLE_PATH, 'utf8'));
      if (response.status !== 200) throw new Error(`PUT /v1/portfolio: ${response.status} ${await response.text()}`);
    },
    async submit(): Promise<string> {
      const response = await call('POST', '/v1/analyses', '{}');
      if (response.status !== 202) throw new Error(`POST /v1/analyses: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { jobId: string }).jobId;
    },
    async status(jobId: string): Promise<string> {
      const response = await call('GET', `/v1/analyses/${jobId}`);
      if (response.status !== 200) throw new Error(`GET ${jobId}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { status: string }).status;
    },
    /** Polls until every job is final or the time is up; returns the last statuses seen, in order. */
    async waitFinal(jobIds: string[], timeoutMs: number): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await call('GET', '/v1/analyses?limit=100');
        if (response.status !== 200) throw new Error(`GET /v1/analyses: ${response.status} ${await response.text()}`);
        const { items } = (await response.json()) as { items: Array<{ jobId: string; status: string }> };
        const statuses = jobIds.map((id) => items.find((item) => item.jobId === id)?.status ?? 'missing');
        if (statuses.every((s) => FINAL_STATUSES.includes(s)) || Date.now() > deadline) return statuses;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}
