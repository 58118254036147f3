/**
 * The dashboard's API routes at their edges, each answer checked against the OpenAPI document:
 * the compare query names the bad field, and an analysis page or comparison of a job the caller
 * does not own is 404, as a missing one (the browser tests read both routes with real analyses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, type Client, localAuth, nodeClient } from '#test/support/api.ts';

let fixture: ApiFixture;
let client: Client;
let token: string;

beforeAll(async () => {
  const { auth, tokenOf } = await localAuth();
  fixture = await apiFixture(auth);
  client = await nodeClient(fixture.app);
  token = await tokenOf('sam');
}, 60_000);
afterAll(async () => {
  await client.close();
  await fixture.close();
});

const get = (path: string) => client.send(path, { headers: { Authorization: `Bearer ${token}` } });

describe('the dashboard’s API routes', () => {
  it('names each bad field of a comparison query', async () => {
    const response = await get('/v1/compare?a=nope');
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((e) => e.field)).toEqual(['a', 'b']);
  });

  it('answers 404 for analyses the caller does not have', async () => {
    const a = '3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10';
    const b = '5d1e7a02-1c8b-4a43-9a57-0f3c1d2e4b61';
    const compared = await get(`/v1/compare?a=${a}&b=${b}`);
    expect(compared.status).toBe(404);
    expect(((await compared.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([
      'a',
      'b',
    ]);
    expect((await get(`/v1/analyses/${a}/view.html`)).status).toBe(404);
  });

  it('asks for a token like every /v1 route', async () => {
    expect((await client.send('/v1/compare?a=x&b=y')).status).toBe(401);
  });
});
