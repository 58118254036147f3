/**
 * A loopback SageMaker Runtime for InvokeEndpoint (restJson1: POST /endpoints/{EndpointName}/invocations,
 * the body a blob with its Content-Type), so the real SageMakerRuntimeClient runs against it. SigV4
 * is verified against the loopback test key (signing name `sagemaker`); each call is answered by a
 * script that sees the endpoint, the parsed JSON body and how many calls came before.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { SigV4Error, verifySigV4 } from '#infra/local/aws-endpoints/sigv4.ts';
import { letterCounts } from './letter-embedding.ts';
import { listen, loopbackClientConfig, type Reply, shutDown } from './loopback.ts';

export interface InvocationSeen {
  endpointName: string;
  contentType: string;
  body: any;
}

export type SageMakerScript = (request: InvocationSeen, index: number) => Reply;

export interface SageMakerServer {
  url: string;
  invocations: InvocationSeen[];
  close(): Promise<void>;
}

const { region, credentials } = loopbackClientConfig('');

export async function startSageMakerServer(script: SageMakerScript): Promise<SageMakerServer> {
  const invocations: InvocationSeen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const reply = (answer: Reply) => {
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
        ...answer.headers,
      });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    };
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : `${value}`]),
    );
    try {
      verifySigV4(
        { method: req.method ?? 'GET', path, query, headers, body },
        {
          secretOf: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
          region,
          service: 'sagemaker',
        },
      );
    } catch (error) {
      if (!(error instanceof SigV4Error)) throw error;
      return reply({ status: 403, headers: { 'x-amzn-errortype': error.failure }, body: { Message: error.message } });
    }
    const match = /^\/endpoints\/([^/]+)\/invocations$/.exec(path);
    if (req.method !== 'POST' || !match) {
      return reply({ status: 404, headers: { 'x-amzn-errortype': 'UnknownOperationException' }, body: {} });
    }
    const seen: InvocationSeen = {
      endpointName: decodeURIComponent(match[1]!),
      contentType: headers['content-type'] ?? '',
      body: JSON.parse(body.toString('utf8')),
    };
    invocations.push(seen);
    reply(script(seen, invocations.length - 1));
  });
  return { url: await listen(server), invocations, close: () => shutDown(server) };
}

/** What a TEI-style endpoint answers: one unnormalised letter-count vector per text, as `[[…], …]`. */
export function letterEmbeddings(dimension: number, key = 'inputs'): SageMakerScript {
  return (request) => ({
    status: 200,
    body: (request.body[key] as string[]).map((text) => letterCounts(text, dimension)),
  });
}

/** What SageMaker answers when the endpoint's instances are busy or starting. */
export function modelNotReady(): Reply {
  return {
    status: 429,
    headers: { 'x-amzn-errortype': 'ModelNotReadyException' },
    body: { Message: 'Model is not ready' },
  };
}

export function modelError(message: string): Reply {
  return {
    status: 424,
    headers: { 'x-amzn-errortype': 'ModelError' },
    body: { Message: message, OriginalStatusCode: 400, OriginalMessage: message },
  };
}
