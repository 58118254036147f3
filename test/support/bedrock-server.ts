/**
 * A loopback server that speaks the Bedrock Runtime Converse wire format (restJson1:
 * POST /model/{modelId}/converse), and InvokeModel (POST /model/{modelId}/invoke, a JSON blob each
 * way) for the embedding models, so the real SDK client runs against it. The Bedrock Runtime
 * client talks HTTP/2 (for its bidirectional streams), so this is an HTTP/2 cleartext server,
 * which the client reaches at an http:// endpoint. Each request is answered by a script
 * function, which sees the parsed request and how many came before.
 */
import { createServer, type Http2ServerRequest, type Http2Session } from 'node:http2';
import { letterCounts } from './letter-embedding.ts';
import { listen, type Reply } from './loopback.ts';

export interface ConverseRequestSeen {
  modelId: string;
  /** The forced tool's name: the request's purpose. */
  tool: string;
  /** True when the tool's schema wraps the answer as `{ answer }` (a non-object root). */
  wrapped: boolean;
  system: string;
  prompt: string;
  body: Record<string, any>;
  headers: Http2ServerRequest['headers'];
}

export type { Reply };

export type BedrockScript = (request: ConverseRequestSeen, index: number) => Reply;

export interface InvokeRequestSeen {
  modelId: string;
  body: Record<string, any>;
  headers: Http2ServerRequest['headers'];
}

export type InvokeScript = (request: InvokeRequestSeen, index: number) => Reply;

export interface BedrockServer {
  url: string;
  requests: ConverseRequestSeen[];
  /** The InvokeModel calls, in arrival order. */
  invocations: InvokeRequestSeen[];
  close(): Promise<void>;
}

/** `invoke` answers InvokeModel; without it, only Converse is served. */
export async function startBedrockServer(
  script: BedrockScript,
  options: { invoke?: InvokeScript } = {},
): Promise<BedrockServer> {
  const requests: ConverseRequestSeen[] = [];
  const invocations: InvokeRequestSeen[] = [];
  const sessions = new Set<Http2Session>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const invoke = /^\/model\/([^/]+)\/invoke$/.exec(req.url ?? '');
    if (req.method === 'POST' && invoke && options.invoke) {
      const seen = {
        modelId: decodeURIComponent(invoke[1]!),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        headers: req.headers,
      };
      invocations.push(seen);
      const reply = options.invoke(seen, invocations.length - 1);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
      return;
    }
    const match = /^\/model\/([^/]+)\/converse$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
      res.end(JSON.stringify({ message: `no route ${req.method} ${req.url}` }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
    const toolSpec = body.toolConfig?.tools?.[0]?.toolSpec ?? {};
    const seen: ConverseRequestSeen = {
      modelId: decodeURIComponent(match[1]!),
      tool: toolSpec.name ?? '',
      wrapped:
        Boolean(toolSpec.inputSchema?.json?.properties?.answer) && toolSpec.inputSchema.json.required?.[0] === 'answer',
      system: (body.system ?? []).map((block: { text?: string }) => block.text ?? '').join('\n'),
      prompt: (body.messages?.[0]?.content ?? []).map((block: { text?: string }) => block.text ?? '').join('\n'),
      body,
      headers: req.headers,
    };
    requests.push(seen);
    const reply = script(seen, requests.length - 1);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  return {
    url: await listen(server),
    requests,
    invocations,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const session of sessions) session.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A Converse answer that calls the forced tool with `input` (wrapped as `{ answer }` when the schema asks). */
export function toolAnswer(
  request: ConverseRequestSeen,
  input: unknown,
  options: { stopReason?: string; inputTokens?: number; outputTokens?: number; wrap?: boolean } = {},
): Reply {
  const wrap = options.wrap ?? request.wrapped;
  return {
    status: 200,
    body: {
      output: {
        message: {
          role: 'assistant',
          content: [
            {
              toolUse: {
                toolUseId: `tooluse_${Math.random().toString(36).slice(2, 10)}`,
                name: request.tool,
                input: wrap ? { answer: input } : input,
              },
            },
          ],
        },
      },
      stopReason: options.stopReason ?? 'tool_use',
      usage: {
        inputTokens: options.inputTokens ?? 120,
        outputTokens: options.outputTokens ?? 40,
        totalTokens: (options.inputTokens ?? 120) + (options.outputTokens ?? 40),
      },
      metrics: { latencyMs: 3 },
    },
  };
}

/** A Converse answer of plain text, without the tool: what a model that ignores toolChoice sends. */
export function textAnswer(text: string, stopReason = 'end_turn'): Reply {
  return {
    status: 200,
    body: {
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason,
      usage: { inputTokens: 100, outputTokens: 4096, totalTokens: 4196 },
      metrics: { latencyMs: 3 },
    },
  };
}

/** What Bedrock sends when the account's quota is exhausted. */
export function throttled(): Reply {
  return {
    status: 429,
    headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
    body: { message: 'Too many requests, please wait before trying again.' },
  };
}

export function validationError(message: string): Reply {
  return { status: 400, headers: { 'x-amzn-errortype': 'ValidationException' }, body: { message } };
}

/** A Titan Text Embeddings V2 answer of the letter-count stand-in (letter-embedding.ts). */
export function titanEmbeddingAnswer(request: InvokeRequestSeen): Reply {
  const {
    inputText,
    dimensions = 1024,
    normalize = true,
  } = request.body as {
    inputText: string;
    dimensions?: number;
    normalize?: boolean;
  };
  const embedding = letterCounts(inputText, dimensions);
  const norm = Math.hypot(...embedding) || 1;
  return {
    status: 200,
    body: {
      embedding: normalize ? embedding.map((v) => v / norm) : embedding,
      inputTextTokenCount: inputText.split(/\s+/).filter(Boolean).length,
      embeddingsByType: { float: embedding },
    },
  };
}
