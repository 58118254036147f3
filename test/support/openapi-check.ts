/**
 * Checks an API response against the OpenAPI document the API serves: the path and method are
 * documented, the status is one the operation declares, the media type is declared for it, and
 * a JSON body validates against the declared schema (JSON Schema 2020-12, ajv). Throws with the
 * reason, so a test fails at the first response the document does not describe.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '#infra/api/openapi.ts';

type Operation = { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };

const DOC_ID = 'https://alex.invalid/openapi.json';
/** Served but outside the contract (the local issuer's keys are a JWKS, described by RFC 7517). */
const OUTSIDE = new Set(['/.well-known/jwks.json']);

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function validatorFor(ref: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema({ ...(openApiDocument() as object), $id: DOC_ID });
  }
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOC_ID}${ref}` });
    validators.set(ref, validate);
  }
  return validate;
}

export function templateOf(path: string): string | undefined {
  const doc = openApiDocument() as Doc;
  const pathname = path.split('?')[0]!;
  return Object.keys(doc.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(pathname),
  );
}

export function checkResponse(
  method: string,
  path: string,
  status: number,
  headers: Headers,
  text: string | undefined,
) {
  const doc = openApiDocument() as Doc;
  const where = `${method} ${path} → ${status}`;
  const pathname = path.split('?')[0]!;
  if (method === 'OPTIONS' || OUTSIDE.has(pathname)) return;
  const template = templateOf(path);
  const operation = template ? doc.paths[template]![method.toLowerCase()] : undefined;
  if (!operation) {
    // Unknown routes answer a problem 404 (or 413 when the body is refused before routing).
    if ((status === 404 || status === 413) && headers.get('content-type') === 'application/problem+json') return;
    throw new Error(`${where}: the OpenAPI document does not describe this route`);
  }
  const declared = operation.responses[String(status)];
  if (!declared) throw new Error(`${where}: status not declared in the OpenAPI document`);
  if (!declared.content) {
    if (text) throw new Error(`${where}: a body was sent where the document declares none`);
    return;
  }
  const type = (headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = declared.content[type];
  if (!media)
    throw new Error(`${where}: content type ${type} not declared (${Object.keys(declared.content).join(', ')})`);
  const ref = media.schema?.$ref;
  if (!ref || text === undefined) return;
  const validate = validatorFor(ref);
  if (!validate(JSON.parse(text)))
    throw new Error(`${where}: body does not match ${ref}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
}
