/**
 * The API client: every call carries the bearer token in the Authorization header (never the
 * URL), and a problem answer (RFC 9457) becomes an ApiProblem whose `errors` name each field, so
 * a form can show the API's own message beside the input. A 401 ends the session.
 */
import { apiBase, currentSession, signOut, streamBase } from './session.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail || title);
  }
}

export async function call(path: string, init: RequestInit = {}, base = apiBase()): Promise<Response> {
  const session = currentSession();
  const headers = new Headers(init.headers);
  if (session) headers.set('Authorization', `Bearer ${session.token}`);
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { ...init, headers });
  } catch {
    throw new ApiProblem(0, 'Network error', 'the API cannot be reached; is `alex serve` still running?');
  }
  if (response.ok || response.status === 304) return response;
  const problem = await readProblem(response);
  if (response.status === 401) {
    signOut();
    location.hash = '#/signin';
  }
  throw problem;
}

export async function readProblem(response: Response): Promise<ApiProblem> {
  try {
    const body = (await response.json()) as { title?: string; detail?: string; errors?: FieldProblem[] };
    return new ApiProblem(response.status, body.title ?? response.statusText, body.detail ?? '', body.errors ?? []);
  } catch {
    return new ApiProblem(response.status, response.statusText, `the API answered ${response.status}`);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

export async function sendJson<T>(method: string, path: string, body: unknown, headers: HeadersInit = {}): Promise<T> {
  const response = await call(path, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}

export interface ProgressEvent {
  id: number;
  detailType: string;
  time: string;
  task?: string;
  durationMs?: number;
  error?: string;
  status?: string;
  reason?: string;
  symbols?: string[];
}

/**
 * Reads the job's Server-Sent Events with fetch, so the token goes in a header as everywhere
 * else (EventSource can only put it in the URL). Resumes after the last id if the stream drops;
 * returns when the server ends the stream at the job's final state.
 */
export async function followEvents(jobId: string, onEvent: (event: ProgressEvent) => void, signal: AbortSignal) {
  let lastId = 0;
  for (let attempt = 0; attempt < 5 && !signal.aborted; attempt++) {
    try {
      const response = await call(
        `/v1/analyses/${jobId}/events`,
        {
          headers: { Accept: 'text/event-stream', ...(lastId > 0 ? { 'Last-Event-ID': String(lastId) } : {}) },
          signal,
        },
        streamBase(),
      );
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseBlock(block);
          if (event) {
            lastId = event.id;
            onEvent(event);
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch (error) {
      if (signal.aborted || (error instanceof ApiProblem && error.status !== 0 && error.status < 500)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
    }
  }
}

function parseBlock(block: string): ProgressEvent | null {
  let id = 0;
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('id:')) id = Number(line.slice(3).trim());
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (!data) return null;
  try {
    return { ...(JSON.parse(data) as Omit<ProgressEvent, 'id'>), id };
  } catch {
    return null;
  }
}
