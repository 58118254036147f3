/** Reading a JSON body: the media type and the syntax are checked, each with its own answer. */
import type { Context } from 'hono';
import { problem } from '../http.ts';

/** The parsed body, `undefined` when empty, or the problem response to return. */
export async function readJsonBody(c: Context): Promise<unknown | Response> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type))
    return problem(c, 415, 'Unsupported media type', 'send the body as JSON with Content-Type: application/json');
  try {
    return JSON.parse(text);
  } catch (error) {
    return problem(c, 400, 'Invalid JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
