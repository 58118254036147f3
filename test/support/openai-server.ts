/**
 * A loopback server that speaks the OpenAI chat-completions wire format
 * (POST {base}/chat/completions), as Ollama, vLLM, LM Studio and llama.cpp server do. Each
 * request is answered by a script function, which sees the parsed request and how many came
 * before.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listen, type Reply, shutDown } from './loopback.ts';

export interface ChatRequestSeen {
  /** The json_schema name: the request's purpose. */
  schemaName: string;
  wrapped: boolean;
  system: string;
  prompt: string;
  body: Record<string, any>;
  headers: IncomingMessage['headers'];
}

export type { Reply };

export type OpenAiScript = (request: ChatRequestSeen, index: number) => Reply;

export interface OpenAiServer {
  /** The base URL, ending in /v1, as ALEX_OPENAI_BASE_URL takes it. */
  baseUrl: string;
  requests: ChatRequestSeen[];
  close(): Promise<void>;
}

export async function startOpenAiServer(script: OpenAiScript): Promise<OpenAiServer> {
  const requests: ChatRequestSeen[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
    const jsonSchema = body.response_format?.json_schema ?? {};
    const seen: ChatRequestSeen = {
      schemaName: jsonSchema.name ?? '',
      wrapped: Boolean(jsonSchema.schema?.properties?.answer) && jsonSchema.schema.required?.[0] === 'answer',
      system: body.messages?.find((m: { role: string }) => m.role === 'system')?.content ?? '',
      prompt: body.messages?.find((m: { role: string }) => m.role === 'user')?.content ?? '',
      body,
      headers: req.headers,
    };
    requests.push(seen);
    const reply = script(seen, requests.length - 1);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  });
  const url = await listen(server);
  return { baseUrl: `${url}/v1`, requests, close: () => shutDown(server) };
}

/** A completion whose message content is `answer` as JSON (wrapped as `{ answer }` when the schema asks). */
export function jsonAnswer(
  request: ChatRequestSeen,
  answer: unknown,
  options: { finishReason?: string; promptTokens?: number; completionTokens?: number; wrap?: boolean } = {},
): Reply {
  const wrap = options.wrap ?? request.wrapped;
  return contentAnswer(JSON.stringify(wrap ? { answer } : answer), options);
}

export function contentAnswer(
  content: string,
  options: { finishReason?: string; promptTokens?: number; completionTokens?: number } = {},
): Reply {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-loopback',
      object: 'chat.completion',
      created: 1_763_700_000,
      model: 'loopback',
      choices: [{ index: 0, finish_reason: options.finishReason ?? 'stop', message: { role: 'assistant', content } }],
      usage: {
        prompt_tokens: options.promptTokens ?? 150,
        completion_tokens: options.completionTokens ?? 50,
        total_tokens: (options.promptTokens ?? 150) + (options.completionTokens ?? 50),
      },
    },
  };
}

export function rateLimited(retryAfterSeconds = 0): Reply {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } },
  };
}
